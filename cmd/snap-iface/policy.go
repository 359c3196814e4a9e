package main

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/snapd-shm/snapd-shm/interfaces/policy"
)

// flagError names the flag that gave an invalid publisher.
func flagError(err error) error {
	var bad *policy.PublisherError
	switch {
	case !errors.As(err, &bad):
		return err
	case bad.Slot:
		return fmt.Errorf("--slot-publisher: %v", bad.Err)
	default:
		return fmt.Errorf("--plug-publisher: %v", bad.Err)
	}
}

// permissionsText lists permission sets in a stable order.
func permissionsText(perms map[string]string) string {
	var parts []string
	for letters, meaning := range perms {
		parts = append(parts, letters+" = "+meaning)
	}
	sort.Strings(parts)
	return strings.Join(parts, "; ")
}
