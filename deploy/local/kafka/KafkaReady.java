// Health check for the local broker: a real metadata request through the Kafka admin client.
// Run as a single-file program: java -cp 'lib/*' KafkaReady.java 127.0.0.1:19092
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.Node;

public class KafkaReady {
  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "8000");
    try (Admin admin = Admin.create(props)) {
      DescribeClusterResult cluster = admin.describeCluster();
      var nodes = cluster.nodes().get(10, TimeUnit.SECONDS);
      if (nodes.isEmpty()) {
        System.err.println("broker " + args[0] + " answered metadata but lists no registered broker");
        System.exit(2);
      }
      StringBuilder ids = new StringBuilder();
      for (Node node : nodes) ids.append(ids.length() == 0 ? "" : ",").append(node.id());
      int topics = admin.listTopics().names().get(10, TimeUnit.SECONDS).size();
      System.out.println("kafka ready: cluster " + cluster.clusterId().get() + ", brokers [" + ids + "], " + topics + " topics");
    }
  }
}
