module github.com/sf-async-deploy/sf-async-deploy

go 1.26.8

require (
	github.com/golang-jwt/jwt/v5 v5.3.1
	github.com/sethvargo/go-githubactions v1.4.0
)
