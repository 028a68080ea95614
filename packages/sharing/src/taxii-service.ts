/** Starts the configured TAXII server of `socle run` / `socle serve` on the access module's token store and audit log. */
import type { Logger } from '@socle/core';
import { readFile } from 'node:fs/promises';
import { authenticate, FileAccessAuditLog, FileTokenStore } from '@socle/api';
import type { SharingPolicy } from './sharing-policy.ts';
import { taxiiCollections, type TaxiiConfig } from './taxii-config.ts';
import { TaxiiServer } from './taxii-server.ts';

export interface RunningTaxii {
  server: TaxiiServer;
  url: string;
  close(): Promise<void>;
}

export async function startTaxiiService(config: TaxiiConfig, policies: SharingPolicy[], logger: Logger): Promise<RunningTaxii> {
  const trustedKeys: Record<string, string> = {};
  for (const [keyId, file] of Object.entries(config.trustedKeys ?? {})) {
    trustedKeys[keyId] = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new Error(`taxii.trustedKeys.${keyId}: cannot read ${file} (${err.code ?? err.message})`);
    });
  }
  const tokens = new FileTokenStore(config.tokens);
  const server = new TaxiiServer({
    title: config.title,
    apiRoot: config.apiRoot,
    collections: taxiiCollections(config, policies),
    authenticate: (header) => authenticate(header, tokens, Date.now()),
    audit: new FileAccessAuditLog(config.audit),
    ...(config.trustedKeys ? { trustedKeys } : {}),
    redRecipients: config.redRecipients,
    maxPageSize: config.maxPageSize,
    logger,
  });
  const at = config.listen.lastIndexOf(':');
  const { url } = await server.listen(Number(config.listen.slice(at + 1)), config.listen.slice(0, at).replace(/^\[|\]$/g, ''));
  logger.info('TAXII 2.1 server listening', { url: `${url}/taxii2/` });
  return { server, url, close: () => server.close() };
}
