import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { AcmCertificateValidation } from '@cdktf/provider-aws/lib/acm-certificate-validation';
import { Apigatewayv2Api } from '@cdktf/provider-aws/lib/apigatewayv2-api';
import { Apigatewayv2ApiMapping } from '@cdktf/provider-aws/lib/apigatewayv2-api-mapping';
import { Apigatewayv2Authorizer } from '@cdktf/provider-aws/lib/apigatewayv2-authorizer';
import { Apigatewayv2DomainName } from '@cdktf/provider-aws/lib/apigatewayv2-domain-name';
import { Apigatewayv2Integration } from '@cdktf/provider-aws/lib/apigatewayv2-integration';
import { Apigatewayv2Route } from '@cdktf/provider-aws/lib/apigatewayv2-route';
import { Apigatewayv2Stage } from '@cdktf/provider-aws/lib/apigatewayv2-stage';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { DnsRecord } from '@cdktf/provider-cloudflare/lib/dns-record';
import { CORS_ALLOW_HEADERS, CORS_EXPOSE_HEADERS, HTTP_ROUTES, type HttpService } from '@chronopost/shared-schemas';
import { Construct } from 'constructs';
import { LIVE_ALIAS, type ServiceFunction } from './service-function';

export interface HttpApiProps {
  prefix: string;
  /** `api.example.org`: the custom domain, also the issuer of app access tokens. */
  apiHost: string;
  /** The web app's origin, the only one CORS admits (with credentials: the refresh cookie). */
  webOrigin: string;
  /** The `aud` of app access tokens. */
  audience: string;
  zoneId: string;
  handlers: { [S in HttpService]: ServiceFunction<S> };
}

/**
 * API Gateway HTTP API built from HTTP_ROUTES: one integration per service (on its `live` alias),
 * the JWT authorizer (issuer and keys served by the oauth service) on exactly the `jwt` routes,
 * CORS for the web origin, and the custom domain with its certificate and DNS record.
 */
export class HttpApi extends Construct {
  readonly api: Apigatewayv2Api;
  readonly url: string;

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);
    const issuer = `https://${props.apiHost}`;
    this.url = issuer;
    this.api = new Apigatewayv2Api(this, 'api', {
      name: props.prefix,
      protocolType: 'HTTP',
      // Only the custom domain: the execute-api URL would be another origin for the cookie.
      disableExecuteApiEndpoint: true,
      corsConfiguration: {
        allowOrigins: [props.webOrigin],
        allowCredentials: true,
        allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
        allowHeaders: [...CORS_ALLOW_HEADERS],
        exposeHeaders: [...CORS_EXPOSE_HEADERS],
        maxAge: 600,
      },
    });
    new Apigatewayv2Stage(this, 'stage', { apiId: this.api.id, name: '$default', autoDeploy: true });

    const authorizer = new Apigatewayv2Authorizer(this, 'jwt', {
      apiId: this.api.id,
      name: `${props.prefix}-app-jwt`,
      authorizerType: 'JWT',
      identitySources: ['$request.header.Authorization'],
      // API Gateway reads `${issuer}/.well-known/openid-configuration`, which the oauth service serves.
      jwtConfiguration: { issuer, audience: [props.audience] },
    });

    const integrations = {} as Record<HttpService, Apigatewayv2Integration>;
    for (const service of Object.keys(props.handlers) as HttpService[]) {
      const handler = props.handlers[service];
      integrations[service] = new Apigatewayv2Integration(this, `${service}-integration`, {
        apiId: this.api.id,
        integrationType: 'AWS_PROXY',
        integrationUri: handler.alias.arn,
        payloadFormatVersion: '2.0',
        timeoutMilliseconds: 29_000,
      });
      new LambdaPermission(this, `${service}-invoke`, {
        statementId: 'ApiGateway',
        action: 'lambda:InvokeFunction',
        functionName: handler.fn.functionName,
        qualifier: LIVE_ALIAS,
        principal: 'apigateway.amazonaws.com',
        sourceArn: `${this.api.executionArn}/*/*`,
      });
    }

    HTTP_ROUTES.forEach((route) => {
      new Apigatewayv2Route(this, `route-${route.method}-${route.path}`, {
        apiId: this.api.id,
        routeKey: `${route.method} ${route.path}`,
        target: `integrations/${integrations[route.service].id}`,
        ...(route.auth === 'jwt' ? { authorizationType: 'JWT', authorizerId: authorizer.id } : { authorizationType: 'NONE' }),
      });
    });

    // The custom domain: a regional ACM certificate validated through Cloudflare DNS.
    const certificate = new AcmCertificate(this, 'certificate', {
      domainName: props.apiHost,
      validationMethod: 'DNS',
      lifecycle: { createBeforeDestroy: true },
    });
    const validation = certificate.domainValidationOptions.get(0);
    const validationRecord = new DnsRecord(this, 'certificate-validation-record', {
      zoneId: props.zoneId,
      name: validation.resourceRecordName,
      type: validation.resourceRecordType,
      content: validation.resourceRecordValue,
      ttl: 300,
      proxied: false,
    });
    const validated = new AcmCertificateValidation(this, 'certificate-validation', {
      certificateArn: certificate.arn,
      validationRecordFqdns: [validationRecord.name],
    });
    const domain = new Apigatewayv2DomainName(this, 'domain', {
      domainName: props.apiHost,
      domainNameConfiguration: { certificateArn: validated.certificateArn, endpointType: 'REGIONAL', securityPolicy: 'TLS_1_2' },
    });
    new Apigatewayv2ApiMapping(this, 'mapping', { apiId: this.api.id, domainName: domain.id, stage: '$default' });
    // DNS only (not proxied): TLS ends at API Gateway with the ACM certificate.
    new DnsRecord(this, 'dns', {
      zoneId: props.zoneId,
      name: props.apiHost,
      type: 'CNAME',
      content: domain.domainNameConfiguration.targetDomainName,
      ttl: 300,
      proxied: false,
    });
  }
}
