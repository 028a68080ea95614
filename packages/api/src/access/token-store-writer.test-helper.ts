// A separate process writing a token store: `node --import tsx token-store-writer.test-helper.ts <store> <prefix> <count>`.
// Creates <count> tokens and revokes every second one right away; prints nothing.
import { FileTokenStore } from './token-store.ts';

const [storePath, prefix, count] = process.argv.slice(2);
const store = new FileTokenStore(storePath!);
for (let i = 0; i < Number(count); i++) {
  const { record } = store.create({ layer: 1, organizations: ['org-a'], role: 'analyst', expiresAt: '2099-01-01T00:00:00Z', createdBy: prefix!, description: `${prefix}-${i}` });
  if (i % 2 === 1) store.revoke(record.id);
}
