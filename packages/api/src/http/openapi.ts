/** The OpenAPI 3.1 description of the alert API, written by hand and served at `/openapi.json`. */
import { SEVERITY_LEVELS } from '../ports.ts';
import { TRIAGE_STATUSES } from '../triage/triage.ts';

const list = (description: string, items: Record<string, unknown> = { type: 'string' }) => ({
  description: `${description} Repeat the parameter or separate values with commas; any value matches.`,
  schema: { type: 'array', items },
  style: 'form',
  explode: true,
});

const filterParameters = [
  { name: 'from', in: 'query', description: 'At or after this time (ISO 8601 or epoch ms).', schema: { type: 'string' } },
  { name: 'to', in: 'query', description: 'Before this time.', schema: { type: 'string' } },
  { name: 'severity', in: 'query', ...list('Alert level.', { type: 'string', enum: [...SEVERITY_LEVELS] }) },
  { name: 'rule', in: 'query', ...list('Rule id.') },
  { name: 'technique', in: 'query', ...list('ATT&CK technique or sub-technique id (threat.technique.id).', { type: 'string', pattern: '^T\\d{4}(\\.\\d{3})?$' }) },
  { name: 'organization', in: 'query', ...list('organization.id; always narrowed to the caller\'s scope, never widened.') },
  { name: 'status', in: 'query', ...list('Triage status.', { type: 'string', enum: [...TRIAGE_STATUSES] }) },
  { name: 'host', in: 'query', description: 'host.name (case-insensitive).', schema: { type: 'string' } },
  { name: 'user', in: 'query', description: 'user.name (case-insensitive).', schema: { type: 'string' } },
  { name: 'ip', in: 'query', description: 'source.ip or destination.ip.', schema: { type: 'string' } },
  { name: 'q', in: 'query', description: 'Free text in rule, host, user, addresses, techniques, tags, correlation group.', schema: { type: 'string', maxLength: 1024 } },
];

const idParameter = { name: 'id', in: 'path', required: true, description: 'The alert id (event.id).', schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,255}$' } };
const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
const common = {
  '400': errorResponse('A parameter is invalid; the message names it.'),
  '401': errorResponse('Missing, invalid or expired token.'),
};
const json = (schema: Record<string, unknown>) => ({ 'application/json': { schema } });

export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'Socle alert API',
    version: '1.0.0',
    description:
      'Alerts, aggregations and triage, scoped by the caller\'s token: layer 1 its organisation, layer 2 its organisations, ' +
      'layer 3 read-only and audited, layer 4 only the shared views sharing produced (redacted, pseudonymised; no triage) and ' +
      'every read audited. Alerts outside the scope answer 404. Tokens go in the Authorization header only (a credential in the ' +
      'URL is refused with 400); the Host header must name this server (421); state-changing requests must be same-origin JSON.',
  },
  servers: [{ url: '/' }],
  security: [{ bearer: [] }],
  paths: {
    '/alerts': {
      get: {
        summary: 'Search alerts, newest first',
        parameters: [
          ...filterParameters,
          { name: 'cursor', in: 'query', description: 'nextCursor of the previous page.', schema: { type: 'string' } },
          { name: 'size', in: 'query', description: 'Page size, 1 to 1000 (default 50).', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
        ],
        responses: { '200': { description: 'A page of alerts.', content: json({ $ref: '#/components/schemas/AlertPage' }) }, ...common },
      },
    },
    '/alerts/_counts': {
      get: {
        summary: 'Alert counts by rule, severity or organisation',
        parameters: [...filterParameters, { name: 'by', in: 'query', schema: { type: 'string', enum: ['rule', 'severity', 'organization'], default: 'rule' } }],
        responses: {
          '200': { description: 'Counts, largest first.', content: json({ type: 'object', properties: { by: { type: 'string' }, counts: { type: 'array', items: { $ref: '#/components/schemas/Count' } } } }) },
          ...common,
        },
      },
    },
    '/alerts/_histogram': {
      get: {
        summary: 'Alert counts per time bucket',
        parameters: [...filterParameters, { name: 'interval', in: 'query', description: '1m to 31d, e.g. 15m, 1h, 1d (default 1h).', schema: { type: 'string' } }],
        responses: {
          '200': { description: 'Buckets, oldest first; empty buckets are left out.', content: json({ type: 'object', properties: { interval: { type: 'integer' }, buckets: { type: 'array', items: { $ref: '#/components/schemas/Count' } } } }) },
          ...common,
          '501': errorResponse('The alert store has no date histogram.'),
        },
      },
    },
    '/alerts/{id}': {
      get: {
        summary: 'An alert with its triage state and member events',
        parameters: [idParameter],
        responses: { '200': { description: 'The alert.', content: json({ $ref: '#/components/schemas/AlertDetail' }) }, ...common, '404': errorResponse('No such alert in the caller\'s scope.') },
      },
    },
    '/alerts/{id}/history': {
      get: {
        summary: 'The triage trail of an alert, oldest first',
        parameters: [idParameter],
        responses: {
          '200': { description: 'The trail.', content: json({ type: 'object', properties: { alertId: { type: 'string' }, entries: { type: 'array', items: { $ref: '#/components/schemas/TriageEntry' } } } }) },
          ...common,
          '404': errorResponse('No such alert in the caller\'s scope.'),
        },
      },
    },
    '/alerts/{id}/triage': {
      post: {
        summary: 'Change the triage state of an alert (appends to its trail)',
        parameters: [idParameter],
        requestBody: { required: true, content: json({ $ref: '#/components/schemas/TriageChange' }) },
        responses: {
          '200': { description: 'The new state.', content: json({ $ref: '#/components/schemas/TriageState' }) },
          ...common,
          '403': errorResponse('The token is read-only (layer 3 or 4).'),
          '404': errorResponse('No such alert in the caller\'s scope.'),
          '413': errorResponse('Body larger than 64 KiB.'),
          '415': errorResponse('Body is not application/json.'),
        },
      },
    },
    '/api/session': {
      description:
        'Console sessions: an API token exchanged for an HttpOnly, SameSite=Strict `socle_session` cookie that ends before the token does. ' +
        'Requests with the cookie are scoped like the token; state-changing ones also need the `x-socle-csrf` header (the csrfToken) and a same-origin Origin.',
      get: {
        summary: 'The signed-in principal, session expiry and CSRF token (or {mode: laptop})',
        security: [],
        responses: { '200': { description: 'The session.', content: json({ type: 'object', required: ['mode'], properties: { mode: { type: 'string', enum: ['token', 'laptop'] }, principal: { type: 'object' }, expiresAt: { type: 'string', format: 'date-time' }, csrfToken: { type: 'string' } } }) }, '401': errorResponse('No live session.') },
      },
      post: {
        summary: 'Sign in: exchange an API token for a session cookie',
        security: [],
        requestBody: { required: true, content: json({ type: 'object', required: ['token'], additionalProperties: false, properties: { token: { type: 'string' } } }) },
        responses: {
          '200': { description: 'Signed in; the cookie is set.', content: json({ type: 'object', required: ['mode'], properties: { mode: { type: 'string', enum: ['token', 'laptop'] }, principal: { type: 'object' }, expiresAt: { type: 'string', format: 'date-time' }, csrfToken: { type: 'string' } } }) },
          '400': errorResponse('The body is not {token}.'),
          '401': errorResponse('Invalid or expired token.'),
          '403': errorResponse('Missing or cross-site Origin.'),
        },
      },
      delete: {
        summary: 'Sign out',
        security: [],
        responses: { '204': { description: 'Signed out; the cookie is cleared.' }, '403': errorResponse('Cross-site request or wrong CSRF token.') },
      },
    },
    '/admin/reload': {
      post: {
        summary: 'Reload the rule set now (validated first; the running set stays when the new one is refused)',
        description:
          'Reads and compiles the configured rules and pipelines, refuses the set when nothing loads or when it rejects a rule the ' +
          'running set did not, and otherwise swaps it in between two batches, keeping the correlation and suppression state of ' +
          'unchanged rules. With a token store only a central admin token may call it (the rule set is shared by every ' +
          'organisation); without one, the loopback-only local caller. Needs Content-Type: application/json. Audited.',
        requestBody: { required: false, description: 'No body is read.', content: {} },
        responses: {
          '200': { description: 'Applied.', content: json({ $ref: '#/components/schemas/ReloadResult' }) },
          '401': common['401'],
          '403': errorResponse('Not a central admin token, or a cross-site request.'),
          '405': errorResponse('Another method than POST.'),
          '415': errorResponse('Content-Type is not application/json.'),
          '422': { description: 'Refused: the running rule set stays; `rejections` lists the rules at fault (`new: true`).', content: json({ $ref: '#/components/schemas/ReloadResult' }) },
        },
      },
    },
    '/admin/tokens': {
      get: {
        summary: 'The tokens this admin manages (central admins: all; organisation admins: those within their organisations)',
        responses: { '200': { description: 'Token records without hash or salt.', content: json({ type: 'object', properties: { tokens: { type: 'array', items: { $ref: '#/components/schemas/TokenRecord' } } } }) }, '401': common['401'], '403': errorResponse('Not an admin token.') },
      },
      post: {
        summary: 'Create a token (organisation admins: for their own organisations, never central or layer 4). Audited.',
        requestBody: {
          required: true,
          content: json({
            type: 'object',
            required: ['layer', 'organizations', 'role', 'expires'],
            additionalProperties: false,
            properties: {
              layer: { type: 'integer', enum: [1, 2, 3, 4] },
              organizations: { type: 'array', items: { type: 'string' } },
              role: { type: 'string', enum: ['analyst', 'admin', 'auditor', 'national'] },
              expires: { type: 'string', description: 'A duration (30d, 12h, 90m) or an ISO date.' },
              description: { type: 'string', maxLength: 256 },
              central: { type: 'boolean' },
            },
          }),
        },
        responses: {
          '201': { description: 'Created; the token is shown only now.', content: json({ type: 'object', required: ['token', 'record'], properties: { token: { type: 'string' }, record: { $ref: '#/components/schemas/TokenRecord' } } }) },
          ...common,
          '403': errorResponse('Not an admin, or a token this admin may not create.'),
          '415': errorResponse('Body is not application/json.'),
        },
      },
    },
    '/admin/tokens/{tokenId}/revoke': {
      post: {
        summary: 'Revoke a token this admin manages. Audited.',
        parameters: [{ name: 'tokenId', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9a-f]{16}$' } }],
        responses: { '200': { description: 'Revoked.' }, '401': common['401'], '403': errorResponse('Not an admin token.'), '404': errorResponse('No such token among those this admin manages.') },
      },
    },
    '/admin/sharing-policies': {
      get: {
        summary: "The sharing policies of the admin's organisations (central admins: all), without key references",
        responses: { '200': { description: 'Policies.' }, '401': common['401'], '403': errorResponse('Not an admin token.') },
      },
    },
    '/admin/sharing-policies/{organization}': {
      put: {
        summary: "Replace an organisation's sharing policy file (its organisation admins; central admins: any). Used from the next sharing pass. Audited.",
        parameters: [{ name: 'organization', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: { required: true, content: json({ $ref: '#/components/schemas/SharingPolicy' }) },
        responses: {
          '200': { description: 'Written.', content: json({ type: 'object', required: ['policy'], properties: { policy: { type: 'object', description: 'The policy in force, defaults filled, without key reference.' } } }) },
          '400': errorResponse('Not a valid policy; the message names the field.'),
          '401': common['401'],
          '403': errorResponse('Not an admin of this organisation, or an organisation admin changing the collection.'),
          '404': errorResponse('No policy file configured for this organisation (sharing.policies).'),
          '405': errorResponse('Use PUT.'),
          '415': errorResponse('Body is not application/json.'),
          '501': errorResponse('No sharing configured in this service.'),
          '503': errorResponse('The policy file could not be written.'),
        },
      },
    },
    '/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' }, '401': common['401'] } } },
    '/healthz': { get: { summary: 'Liveness and counts', responses: { '200': { description: 'ok' }, '401': common['401'] } } },
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'socle_<id>_<secret>, from `socle tokens create`.' } },
    schemas: {
      Error: { type: 'object', required: ['error'], properties: { error: { type: 'string' } } },
      TokenRecord: {
        type: 'object',
        properties: {
          id: { type: 'string' }, layer: { type: 'integer' }, organizations: { type: 'array', items: { type: 'string' } }, role: { type: 'string' },
          central: { type: 'boolean' }, createdAt: { type: 'string' }, expiresAt: { type: 'string' }, createdBy: { type: 'string' }, revokedAt: { type: 'string' }, description: { type: 'string' },
        },
      },
      SharingPolicy: {
        type: 'object',
        description: 'As in the policy YAML file. The pseudonym key reference stays the file\'s and is refused here.',
        required: ['sharedBy'],
        additionalProperties: false,
        properties: {
          organization: { type: 'string', description: 'The organisation of the path, if given.' },
          organizationName: { type: 'string' },
          collection: { type: 'string', description: 'Changed by central admins only (a shared collection is a sharing group).' },
          sharedBy: { type: 'string' },
          minimumSeverity: { type: 'string', enum: [...SEVERITY_LEVELS] },
          includeUnattributed: { type: 'boolean' },
          rules: { type: 'object', properties: { allow: { type: 'array', items: { type: 'string' } }, deny: { type: 'array', items: { type: 'string' } } } },
          tlp: { type: 'string', enum: ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] },
          personalData: { type: 'object', additionalProperties: { type: 'string', enum: ['pseudonymise', 'redact', 'share'] } },
          internalNetworks: { type: 'array', items: { type: 'string' } },
          internalDomains: { type: 'array', items: { type: 'string' } },
        },
      },
      Count: { type: 'object', required: ['key', 'count'], properties: { key: { type: 'string' }, count: { type: 'integer' } } },
      Alert: { type: 'object', description: 'An ECS alert document (event.kind: alert).', additionalProperties: true },
      AlertPage: {
        type: 'object',
        required: ['alerts', 'total'],
        properties: {
          alerts: { type: 'array', items: { $ref: '#/components/schemas/Alert' } },
          total: { type: 'integer' },
          nextCursor: { type: 'string' },
          triage: { type: 'object', description: 'Triage status and assignee per returned alert id.', additionalProperties: { type: 'object' } },
        },
      },
      AlertDetail: {
        type: 'object',
        required: ['alert', 'triage', 'members'],
        properties: {
          alert: { $ref: '#/components/schemas/Alert' },
          triage: { $ref: '#/components/schemas/TriageState' },
          members: {
            type: 'object',
            description: 'Events behind the alert: ids always; the events themselves when the store has them (never for layer 4).',
            properties: { eventIds: { type: 'array', items: { type: 'string' } }, total: { type: 'integer' }, events: { type: 'array', items: { type: 'object' } } },
          },
        },
      },
      TriageChange: {
        type: 'object',
        additionalProperties: false,
        minProperties: 1,
        properties: {
          status: { type: 'string', enum: [...TRIAGE_STATUSES] },
          assignee: { type: ['string', 'null'] },
          addTags: { type: 'array', items: { type: 'string' }, maxItems: 32 },
          removeTags: { type: 'array', items: { type: 'string' }, maxItems: 32 },
          note: { type: 'string', maxLength: 4000 },
        },
      },
      TriageState: {
        type: 'object',
        properties: {
          alertId: { type: 'string' },
          status: { type: 'string', enum: [...TRIAGE_STATUSES] },
          assignee: { type: 'string' },
          tags: { type: 'array', items: { type: 'string' } },
          notes: { type: 'array', items: { type: 'object' } },
          updatedAt: { type: 'string' },
          updatedBy: { type: 'object' },
        },
      },
      ReloadResult: {
        type: 'object',
        required: ['status', 'trigger', 'loaded', 'rejections'],
        properties: {
          status: { type: 'string', enum: ['applied', 'refused'] },
          trigger: { type: 'string', description: 'What asked for the reload: admin, watch, signal.' },
          reason: { type: 'string', description: 'Why the set was refused, naming the files at fault.' },
          loaded: { type: 'integer', description: 'Rules of the set running after the call.' },
          rejections: {
            type: 'array',
            items: {
              type: 'object',
              required: ['reason', 'new'],
              properties: { file: { type: 'string' }, id: { type: 'string' }, title: { type: 'string' }, reason: { type: 'string' }, new: { type: 'boolean', description: 'True when it blocked the reload.' } },
            },
          },
          state: {
            type: 'object',
            description: 'Rule ids whose state was kept, reset, or that were added or removed (applied reloads).',
            properties: Object.fromEntries(['kept', 'reset', 'added', 'removed'].map((k) => [k, { type: 'array', items: { type: 'string' } }])),
          },
        },
      },
      TriageEntry: {
        type: 'object',
        properties: { alertId: { type: 'string' }, at: { type: 'string' }, by: { type: 'object' }, change: { $ref: '#/components/schemas/TriageChange' } },
      },
    },
  },
} as const;
