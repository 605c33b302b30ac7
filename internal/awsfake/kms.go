package awsfake

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
)

// fakeCiphertextPrefix marks the fake's ciphertexts. They hold the key id, the encryption
// context and the plaintext XOR-ed, so the plaintext never appears as such on the wire.
const fakeCiphertextPrefix = "fakekms1\x00"

// kms answers TrentService.Encrypt and TrentService.Decrypt, checking the encryption context.
func (s *Server) kms(w http.ResponseWriter, target string, body map[string]any) {
	switch target {
	case "TrentService.Encrypt":
		key, _ := body["KeyId"].(string)
		plain, err := base64.StdEncoding.DecodeString(str(body["Plaintext"]))
		if key == "" || err != nil {
			writeError(w, 400, "ValidationException", "KeyId and Plaintext are required")
			return
		}
		blob := fakeCiphertextPrefix + key + "\x00" + contextOf(body) + "\x00" + xor(plain)
		writeJSON(w, "application/x-amz-json-1.1", map[string]any{"KeyId": key,
			"CiphertextBlob":      base64.StdEncoding.EncodeToString([]byte(blob)),
			"EncryptionAlgorithm": "SYMMETRIC_DEFAULT"})
	case "TrentService.Decrypt":
		blob, err := base64.StdEncoding.DecodeString(str(body["CiphertextBlob"]))
		parts := strings.SplitN(strings.TrimPrefix(string(blob), fakeCiphertextPrefix), "\x00", 3)
		if err != nil || !strings.HasPrefix(string(blob), fakeCiphertextPrefix) || len(parts) != 3 ||
			parts[1] != contextOf(body) {
			writeError(w, 400, "InvalidCiphertextException", "")
			return
		}
		writeJSON(w, "application/x-amz-json-1.1", map[string]any{"KeyId": parts[0],
			"Plaintext":           base64.StdEncoding.EncodeToString([]byte(xor([]byte(parts[2])))),
			"EncryptionAlgorithm": "SYMMETRIC_DEFAULT"})
	}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// contextOf renders the request's encryption context canonically.
func contextOf(body map[string]any) string {
	ctx, _ := body["EncryptionContext"].(map[string]any)
	keys := make([]string, 0, len(ctx))
	for k := range ctx {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b, _ := json.Marshal(keys)
	out := string(b)
	for _, k := range keys {
		out += "|" + k + "=" + str(ctx[k])
	}
	return out
}

func xor(b []byte) string {
	out := make([]byte, len(b))
	for i, c := range b {
		out[i] = c ^ 0x5a
	}
	return string(out)
}
