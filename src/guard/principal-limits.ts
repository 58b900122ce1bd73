/** Longest principal name Warden accepts from a token or a certificate. */
export const MAX_PRINCIPAL_CHARS = 256;
