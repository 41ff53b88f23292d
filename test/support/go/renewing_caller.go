// The Go SDK v2 inside a "container": its default config chain, STS GetCallerIdentity once a
// second until the credentials change (a renewal), then {"arns", "keys"}; exit 1 on timeout.
// Usage: renewing-caller ENDPOINT_URL DEADLINE_SECONDS (the region comes from AWS_REGION).
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func main() {
	ctx := context.Background()
	seconds, _ := strconv.Atoi(os.Args[2])
	deadline := time.Now().Add(time.Duration(seconds) * time.Second)
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		fail(err)
	}
	client := sts.NewFromConfig(cfg, func(o *sts.Options) { o.EndpointResolver = sts.EndpointResolverFromURL(os.Args[1]) })
	keys := map[string]bool{}
	arns := map[string]bool{}
	for {
		creds, err := cfg.Credentials.Retrieve(ctx)
		if err != nil {
			fail(err)
		}
		keys[creds.AccessKeyID] = true
		out, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			fail(err)
		}
		arns[*out.Arn] = true
		if len(keys) >= 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Second)
	}
	list := []string{}
	for a := range arns {
		list = append(list, a)
	}
	json.NewEncoder(os.Stdout).Encode(map[string]interface{}{"arns": list, "keys": len(keys)})
	if len(keys) < 2 {
		os.Exit(1)
	}
}

func fail(err error) {
	json.NewEncoder(os.Stdout).Encode(map[string]string{"error": fmt.Sprint(err)})
	os.Exit(1)
}
