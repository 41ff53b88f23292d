/** Limits sized for what SDKs send: a profile path, an Authorization header, a few standard headers. */
export const TCP_LIMITS = {
  /** Longest URL accepted: an encoded role ARN fits many times over; megabyte URLs are an attack. */
  maxUrlLength: 2048,
  /** Longest route parameter (profile name, `ACCOUNT:ROLE` or role ARN). */
  maxParamLength: 512,
  /** Only GET is served; no request has a body. */
  bodyLimit: 1024,
  /** All headers together; node's default is 16 KiB. */
  maxHeaderSize: 8192,
} as const;
