// Topic, group and index names that no other test (or earlier run on an external stack) uses.
let counter = 0;

/** Lower-case, so the name is valid for Kafka topics and Elasticsearch indices alike. */
export function uniqueName(purpose: string): string {
  counter += 1;
  const random = Math.random().toString(36).slice(2, 8);
  return `socle-test-${purpose}-${Date.now().toString(36)}-${random}-${counter}`;
}
