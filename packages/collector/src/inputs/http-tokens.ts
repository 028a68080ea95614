import { createHash, timingSafeEqual } from 'node:crypto';

/** Maps bearer tokens to organisations. Tokens are kept only as SHA-256 digests and compared in constant time. */
export class BearerTokens {
  private readonly digests: { digest: Buffer; organization: string }[];

  constructor(tokens: { token: string; organization: string }[]) {
    this.digests = tokens.map((t) => ({ digest: sha256(t.token), organization: t.organization }));
  }

  /** The organisation of the `Authorization: Bearer <token>` header, or undefined. Never logs the token. */
  organizationFor(authorization: string | undefined): string | undefined {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) return undefined;
    const presented = sha256(match[1]!);
    let found: string | undefined;
    // Compare against every token so the time taken says nothing about which one (if any) matched.
    for (const { digest, organization } of this.digests) {
      if (timingSafeEqual(digest, presented) && found === undefined) found = organization;
    }
    return found;
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
