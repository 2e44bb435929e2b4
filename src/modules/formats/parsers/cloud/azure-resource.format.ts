import type { JsonFormat, ParsedAttributes } from '../../log-format';
import { parseTimestamp } from '../../normalize/timestamp';
import { isIp, millisToNanos } from '../web/access-fields';
import { type JsonDoc, num, obj, putFlat, putRest, putStr, str } from '../web/json-fields';

const KNOWN = new Set([
  'time',
  'resourceId',
  'category',
  'operationName',
  'operationVersion',
  'level',
  'Level',
  'properties',
  'callerIpAddress',
  'correlationId',
  'resultType',
  'resultSignature',
  'resultDescription',
  'durationMs',
  'identity',
  'location',
  'tenantId',
]);

/**
 * An Azure resource log (diagnostic settings to Event Hubs, storage or Log Analytics export):
 * time, resourceId, category, operationName, level, properties, callerIpAddress,
 * correlationId, resultType, durationMs, identity.
 */
export const AZURE_RESOURCE_FORMAT: JsonFormat = {
  name: 'azure-resource',
  family: 'cloud',
  kind: 'json',
  description: 'Azure resource log JSON (time, resourceId, category, operationName, properties)',
  priority: 20,
  detect: (doc) =>
    typeof doc.resourceId === 'string' &&
    doc.resourceId.charCodeAt(0) === 47 &&
    typeof doc.operationName === 'string' &&
    (typeof doc.time === 'string' || typeof doc.timeStamp === 'string'),
  parse(doc) {
    const attrs: ParsedAttributes = { 'cloud.provider': 'azure' };
    const resourceId = str(doc, 'resourceId');
    putStr(attrs, 'azure.resource.id', resourceId);
    if (resourceId !== undefined) putResourceParts(attrs, resourceId);
    putStr(attrs, 'azure.category', str(doc, 'category'));
    putStr(attrs, 'event.action', str(doc, 'operationName'));
    putStr(attrs, 'azure.operation_version', str(doc, 'operationVersion'));
    const caller = str(doc, 'callerIpAddress');
    if (caller !== undefined) attrs[isIp(caller) ? 'source.ip' : 'source.address'] = caller;
    putStr(attrs, 'azure.correlation_id', str(doc, 'correlationId'));
    const resultType = str(doc, 'resultType');
    putStr(attrs, 'azure.result_type', resultType);
    if (resultType !== undefined) {
      const lower = resultType.toLowerCase();
      if (lower === 'success' || lower === 'succeeded') attrs['event.outcome'] = 'success';
      else if (lower === 'failure' || lower === 'failed') attrs['event.outcome'] = 'failure';
    }
    putFlat(attrs, 'azure.result_signature', doc.resultSignature);
    putStr(attrs, 'azure.result_description', str(doc, 'resultDescription'));
    const duration = num(doc, 'durationMs');
    if (duration !== undefined) attrs['event.duration'] = millisToNanos(duration);
    putFlat(attrs, 'azure.identity', doc.identity);
    putStr(attrs, 'cloud.region', str(doc, 'location'));
    putStr(attrs, 'azure.tenant_id', str(doc, 'tenantId'));
    const properties = obj(doc, 'properties');
    putFlat(attrs, 'azure.properties', properties ?? doc.properties);
    putRest(attrs, 'azure.', doc, KNOWN);
    const timestamp = parseTimestamp(doc.time ?? doc.timeStamp);
    const level = str(doc, 'level') ?? str(doc, 'Level');
    const message = messageOf(properties);
    return {
      ...(timestamp === null ? {} : { timestamp }),
      ...(level === undefined ? {} : { level }),
      ...(message === undefined ? {} : { message }),
      attributes: attrs,
    };
  },
  samples: [
    {
      line: '{"time":"2026-11-26T10:11:12.1234567Z","resourceId":"/SUBSCRIPTIONS/0B1F6471-1BF0-4DDA-AEC3-CB9272F09590/RESOURCEGROUPS/PROD-RG/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/PAYMENTS-KV","operationName":"SecretGet","operationVersion":"7.4","category":"AuditEvent","resultType":"Success","resultSignature":"OK","resultDescription":"","durationMs":"12","callerIpAddress":"203.0.113.24","correlationId":"a4f1c3de-2b7e-4c91-8a5f-0e6d2c1b3a49","identity":{"claim":{"appid":"c1a2b3c4-d5e6-4f70-8a9b-0c1d2e3f4a5b"}},"properties":{"id":"https://payments-kv.vault.azure.net/secrets/db-password","clientInfo":"azsdk-net-Security.KeyVault.Secrets/4.6.0","httpStatusCode":200,"requestUri":"https://payments-kv.vault.azure.net/secrets/db-password?api-version=7.4"},"location":"westeurope","level":"Informational"}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:12.123Z'),
        level: 'Informational',
        attributes: {
          'cloud.provider': 'azure',
          'azure.subscription_id': '0B1F6471-1BF0-4DDA-AEC3-CB9272F09590',
          'azure.resource.group': 'PROD-RG',
          'azure.resource.provider': 'MICROSOFT.KEYVAULT/VAULTS',
          'azure.resource.name': 'PAYMENTS-KV',
          'azure.category': 'AuditEvent',
          'event.action': 'SecretGet',
          'source.ip': '203.0.113.24',
          'azure.correlation_id': 'a4f1c3de-2b7e-4c91-8a5f-0e6d2c1b3a49',
          'event.outcome': 'success',
          'event.duration': 12_000_000,
          'azure.identity.claim.appid': 'c1a2b3c4-d5e6-4f70-8a9b-0c1d2e3f4a5b',
          'azure.properties.httpStatusCode': 200,
          'cloud.region': 'westeurope',
        },
      },
    },
    {
      line: '{"time":"2026-11-26T10:11:13.000Z","resourceId":"/SUBSCRIPTIONS/0B1F6471-1BF0-4DDA-AEC3-CB9272F09590/RESOURCEGROUPS/WEB-RG/PROVIDERS/MICROSOFT.WEB/SITES/SHOP-API","category":"AppServiceConsoleLogs","operationName":"Microsoft.Web/sites/log","level":"Error","resultDescription":"Unhandled exception: System.TimeoutException: The operation has timed out.","properties":{"message":"Unhandled exception: System.TimeoutException: The operation has timed out.","containerId":"8f3c2b1a0d9e","host":"shop-api-7d9f-abc12"}}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:13Z'),
        level: 'Error',
        message: 'Unhandled exception: System.TimeoutException: The operation has timed out.',
        attributes: {
          'azure.resource.name': 'SHOP-API',
          'azure.category': 'AppServiceConsoleLogs',
          'azure.properties.containerId': '8f3c2b1a0d9e',
        },
      },
    },
    {
      line: '{"time":"2026-11-26T10:11:14.5Z","resourceId":"/SUBSCRIPTIONS/0B1F6471-1BF0-4DDA-AEC3-CB9272F09590/RESOURCEGROUPS/NET-RG/PROVIDERS/MICROSOFT.NETWORK/APPLICATIONGATEWAYS/EDGE-AGW","operationName":"ApplicationGatewayFirewall","category":"ApplicationGatewayFirewallLog","properties":{"instanceId":"appgw_1","clientIp":"2001:db8:55::9","requestUri":"/login.php?user=admin%27--","ruleSetType":"OWASP","ruleSetVersion":"3.2","ruleId":"942100","message":"SQL Injection Attack Detected via libinjection","action":"Blocked","hostname":"shop.example.com","transactionId":"d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6","policyId":"default","policyScope":"Global","policyScopeName":"Global"}}',
      expect: {
        timestamp: Date.parse('2026-11-26T10:11:14.500Z'),
        message: 'SQL Injection Attack Detected via libinjection',
        attributes: {
          'azure.resource.provider': 'MICROSOFT.NETWORK/APPLICATIONGATEWAYS',
          'azure.properties.ruleId': '942100',
          'azure.properties.action': 'Blocked',
        },
      },
    },
  ],
};

/** `/SUBSCRIPTIONS/<id>/RESOURCEGROUPS/<rg>/PROVIDERS/<ns>/<type>/<name>` into its parts. */
function putResourceParts(attrs: ParsedAttributes, id: string): void {
  const parts = id.split('/');
  for (let i = 1; i + 1 < parts.length; i += 2) {
    const key = (parts[i] as string).toLowerCase();
    const value = parts[i + 1] as string;
    if (key === 'subscriptions') attrs['azure.subscription_id'] = value;
    else if (key === 'resourcegroups') attrs['azure.resource.group'] = value;
    else if (key === 'providers') {
      const rest = parts.slice(i + 1);
      if (rest.length >= 3) {
        attrs['azure.resource.provider'] = rest.slice(0, rest.length - 1).join('/');
        attrs['azure.resource.name'] = rest[rest.length - 1] as string;
      }
      return;
    }
  }
}

function messageOf(properties: JsonDoc | undefined): string | undefined {
  return str(properties, 'message') ?? str(properties, 'Message') ?? str(properties, 'msg');
}
