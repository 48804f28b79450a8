import { DnsRecord } from '@cdktf/provider-cloudflare/lib/dns-record';
import { PagesDomain } from '@cdktf/provider-cloudflare/lib/pages-domain';
import { PagesProject } from '@cdktf/provider-cloudflare/lib/pages-project';
import { Construct } from 'constructs';

/**
 * The web app's Cloudflare Pages project and its custom domain. The workflows upload `dist/web`
 * with wrangler (direct upload), so the project has no Git source. The custom domain sits under
 * the same registrable domain as the API: same site, so the refresh cookie (SameSite=Strict)
 * reaches the API. A `*.pages.dev` address is another site (pages.dev is a public suffix).
 */
export class WebApp extends Construct {
  readonly project: PagesProject;
  readonly origin: string;

  constructor(scope: Construct, id: string, props: { projectName: string; host: string; accountId: string; zoneId: string }) {
    super(scope, id);
    this.origin = `https://${props.host}`;
    this.project = new PagesProject(this, 'project', {
      accountId: props.accountId,
      name: props.projectName,
      productionBranch: 'main',
    });
    new PagesDomain(this, 'domain', { accountId: props.accountId, projectName: this.project.name, name: props.host });
    new DnsRecord(this, 'dns', {
      zoneId: props.zoneId,
      name: props.host,
      type: 'CNAME',
      content: this.project.subdomain,
      ttl: 1,
      proxied: true,
    });
  }
}
