import { dnsSuffixOf } from '../../core/aws-names.js';
/**
 * Where the EKS token's presigned GetCallerIdentity points: the regional STS endpoint of the
 * region's partition, as botocore resolves `sts` with regional endpoints (the AWS CLI v1 does so
 * for every region but us-east-1, where it still picks the global host unless
 * AWS_STS_REGIONAL_ENDPOINTS=regional; a regional host is what EKS recommends and accepts in every
 * partition). AWS_ENDPOINT_URL_STS replaces it, as it does for the SDKs.
 */


export interface StsTarget {
  protocol: 'https:' | 'http:';
  hostname: string;
  port?: number;
  /** The path the request is signed for and the URL carries ('/' for AWS's own hosts). */
  path: string;
  /** `host` as signed: with the port when the URL has one. */
  host: string;
}

/**
 * The endpoint to presign for. `override` is an AWS_ENDPOINT_URL_STS value; a malformed one is an
 * Error whose message names the variable (the caller wraps it in the catalog's error).
 */
export function stsTarget(region: string, override?: string): StsTarget {
  if (override === undefined || override === '') {
    const hostname = `sts.${region}.${dnsSuffixOf(region)}`;
    return { protocol: 'https:', hostname, host: hostname, path: '/' };
  }
  let url: URL;
  try {
    url = new URL(override);
  } catch {
    throw new Error(`AWS_ENDPOINT_URL_STS is not a URL: ${JSON.stringify(override)}`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new Error(`AWS_ENDPOINT_URL_STS must be an http(s) URL without query, fragment or user, not ${JSON.stringify(override)}`);
  }
  return {
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port !== '' ? { port: Number(url.port) } : {}),
    host: url.host,
    // botocore keeps a base path as given and signs it (`/base` stays `/base`, no slash added).
    path: url.pathname === '' ? '/' : url.pathname,
  };
}
