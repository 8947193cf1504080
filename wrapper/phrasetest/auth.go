package phrasetest

import (
	"crypto/subtle"
	"net/http"
	"strings"
	"time"

	"github.com/seed-a960d6a4/connectortask/api"
)

// loginToken is a token POST /api2/v1/auth/login handed out.
type loginToken struct {
	expires time.Time
	calls   int // authenticated calls made with it
}

// demoUser is the one user the fake knows: the owner of the credentials and of every token.
func (f *fake) demoUser() api.UserReference {
	role := api.UserRolePROJECTMANAGER
	if f.cfg.unknownEnums {
		role = api.UserRole(UnknownUserRole)
	}
	return api.UserReference{
		Id:        ptr("1024"),
		Uid:       ptr("Ux7hGm5xZbQ3CwRg1aPl2b"),
		UserName:  ptr(f.cfg.username),
		FirstName: ptr("Demo"),
		LastName:  ptr("User"),
		Email:     ptr("demo.user@example.com"),
		Role:      &role,
	}
}

// authenticate checks the Authorization header of a call other than login. It answers 401
// AuthUnauthorized and returns false when the header does not carry a valid token. It must be
// called with f.mu held.
func (f *fake) authenticate(w http.ResponseWriter, r *http.Request) bool {
	scheme, tok, _ := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	tok = strings.TrimSpace(tok)
	if tok == "" {
		f.writeError(w, http.StatusUnauthorized, CodeAuthUnauthorized,
			"Authentication failed: send the header \"Authorization: ApiToken <token>\".")
		return false
	}
	switch {
	case strings.EqualFold(scheme, "ApiToken"), strings.EqualFold(scheme, "Bearer"):
		if f.cfg.token != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(f.cfg.token)) == 1 {
			return true
		}
		if lt, ok := f.tokens[tok]; ok && strings.EqualFold(scheme, "ApiToken") {
			lt.calls++
			if !f.cfg.clock().Before(lt.expires) {
				delete(f.tokens, tok)
				f.writeError(w, http.StatusUnauthorized, CodeAuthUnauthorized,
					"Authentication failed: the token expired. Log in again.")
				return false
			}
			if f.cfg.tokenMaxCalls > 0 && lt.calls > f.cfg.tokenMaxCalls {
				delete(f.tokens, tok)
				f.writeError(w, http.StatusUnauthorized, CodeAuthUnauthorized,
					"Authentication failed: the token is no longer valid (sessions were invalidated). Log in again.")
				return false
			}
			return true
		}
	}
	f.writeError(w, http.StatusUnauthorized, CodeAuthUnauthorized,
		"Authentication failed: the token is missing, invalid or expired.")
	return false
}

// Login implements POST /api2/v1/auth/login.
func (f *fake) Login(w http.ResponseWriter, r *http.Request) {
	if !isJSON(r) {
		f.writeUnsupportedMediaType(w, r)
		return
	}
	var dto api.LoginDto
	if !f.decodeBody(w, r, &dto) {
		return
	}
	var missing []api.ErrorDetailDto
	if dto.UserName == "" {
		missing = append(missing, fieldDetail(CodeMissingField, "userName", "userName is required."))
	}
	if dto.Password == "" {
		missing = append(missing, fieldDetail(CodeMissingField, "password", "password is required."))
	}
	if len(missing) > 0 {
		f.writeError(w, http.StatusBadRequest, CodeMissingField, "userName and password are required.", missing...)
		return
	}
	userOK := subtle.ConstantTimeCompare([]byte(dto.UserName), []byte(f.cfg.username)) == 1
	passOK := subtle.ConstantTimeCompare([]byte(dto.Password), []byte(f.cfg.password)) == 1
	if !userOK || !passOK {
		f.writeError(w, http.StatusUnauthorized, CodeAuthInvalidCredentials,
			"Authentication failed: wrong user name or password.")
		return
	}

	f.mu.Lock()
	now := f.cfg.clock()
	tok := f.ids.next(idToken)
	expires := now.Add(f.cfg.tokenTTL)
	f.tokens[tok] = &loginToken{expires: expires}
	user := f.demoUser()
	f.mu.Unlock()

	f.writeJSON(w, http.StatusOK, api.LoginResponseDto{
		User:                               &user,
		Token:                              &tok,
		Expires:                            api.NewDateTimePtr(expires),
		LastInvalidateAllSessionsPerformed: api.NewDateTimePtr(now.Add(-30 * 24 * time.Hour)),
	}, nil)
}
