import { readFile } from 'node:fs/promises';
import { ConfigFileError, BadUsageError } from '../../errors.js';

/**
 * The cluster's CA bundle as kubeconfig's certificate-authority-data wants it (base64 of the
 * PEM), from --ca-file (a PEM file) or --ca-data (what `aws eks describe-cluster` prints as
 * certificateAuthority.data). Checked to hold a certificate, so a wrong file fails here and not
 * at kubectl's first TLS handshake.
 */
const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

export async function readCaData(file: string | undefined, data: string | undefined): Promise<string> {
  if ((file === undefined) === (data === undefined)) {
    throw new BadUsageError('kubeconfig needs the cluster\'s CA: --ca-file PEM_FILE or --ca-data BASE64 (one of them)');
  }
  if (data !== undefined) {
    const pem = Buffer.from(data, 'base64').toString('utf8');
    if (!PEM_CERT.test(pem)) throw new BadUsageError('--ca-data is not a base64-encoded PEM certificate (as `aws eks describe-cluster` prints certificateAuthority.data)');
    return Buffer.from(pem, 'utf8').toString('base64');
  }
  let pem: string;
  try {
    pem = await readFile(file!, 'utf8');
  } catch (err) {
    throw new ConfigFileError(`cannot read --ca-file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  if (!PEM_CERT.test(pem)) throw new ConfigFileError(`--ca-file ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----): pass the cluster's CA bundle`);
  return Buffer.from(pem, 'utf8').toString('base64');
}
