package awsfake

import (
	"fmt"
	"net/http"
	"time"
)

// Credentials the fake STS hands out for AssumeRoleWithWebIdentity.
const (
	AssumedAccessKeyID = "ASIAFAKEASSUMEDROLE1"
	assumedSecret      = "fakeAssumedRoleSecretAccessKey0000000000"
	assumedSession     = "FakeAssumedRoleSessionToken"
)

// serveQuery answers the STS query-protocol call AssumeRoleWithWebIdentity and records it
// with its form as the body (target "STS.AssumeRoleWithWebIdentity").
func (s *Server) serveQuery(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	body := map[string]any{}
	for k := range r.PostForm {
		body[k] = r.PostForm.Get(k)
	}
	target := "STS." + r.PostForm.Get("Action")
	s.mu.Lock()
	s.calls = append(s.calls, Call{Target: target, Body: body, Auth: r.Header.Get("Authorization")})
	s.mu.Unlock()
	if target != "STS.AssumeRoleWithWebIdentity" || r.PostForm.Get("WebIdentityToken") == "" {
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code>`+
			`<Message>unsupported</Message></Error><RequestId>fake</RequestId></ErrorResponse>`)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, `<AssumeRoleWithWebIdentityResponse
    xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <Credentials>
      <AccessKeyId>%s</AccessKeyId>
      <SecretAccessKey>%s</SecretAccessKey>
      <SessionToken>%s</SessionToken>
      <Expiration>%s</Expiration>
    </Credentials>
    <SubjectFromWebIdentityToken>project_path:acme/app:ref_type:branch:ref:main
    </SubjectFromWebIdentityToken>
    <AssumedRoleUser>
      <Arn>%s/%s</Arn>
      <AssumedRoleId>AROAFAKE:%s</AssumedRoleId>
    </AssumedRoleUser>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>fake-sts</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>`, AssumedAccessKeyID, assumedSecret, assumedSession,
		time.Now().Add(time.Hour).UTC().Format(time.RFC3339), r.PostForm.Get("RoleArn"),
		r.PostForm.Get("RoleSessionName"), r.PostForm.Get("RoleSessionName"))
}
