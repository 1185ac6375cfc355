/** What every redacted secret is shown as. */
export const REDACTED = '***';

// The one list of what makes a name (a header, a kwargs field, an env variable, a query
// parameter) secret. A name is split into words at every character that is not a letter or digit
// (`X-Api-Key` → x, api, key; `API_TOKEN` → api, token); it is secret when one word:
//   - contains token, secret, password, passwd, credential, cookie or signature
//     (access_token, PGPASSWORD, credentials, Set-Cookie, X-Amz-Signature);
//   - ends with key (key, api_key, apiKey, x-api-key, privatekey; not keyboard, keys, keyId);
//   - starts with auth, except author and authority (auth, Authorization, Proxy-Authorization,
//     authentication, authHeader), or ends with auth (oauth, basicAuth);
//   - is sig or pass (Azure's `sig=`, user/pass).
// Over-redacting a name such as `monkey` or an S3 object `key` costs a view; missing a secret
// spreads it, so the rule leans to redacting.
const SECRET_WORD = /token|secret|passw(?:or)?d|credential|cookie|signature|key$|^auth(?!or(?!iz))|auth$|^sig$|^pass$/;

/** Whether a value under this name is a secret (see the rule above). */
export function isSecretName(name: string): boolean {
  for (const word of name.toLowerCase().split(/[^a-z0-9]+/)) {
    if (word !== '' && SECRET_WORD.test(word)) return true;
  }
  return false;
}
