package userinput

import (
	"fmt"
	"strings"

	"github.com/seed-a960d6a4/connectortask/wrapper"
)

// ParseRegion reads a region name as a user types it ("eu", "EU", "us"); any other name is an
// error that lists the valid ones.
func ParseRegion(s string) (wrapper.Region, error) {
	switch r := wrapper.Region(strings.ToLower(strings.TrimSpace(s))); r {
	case wrapper.RegionEU, wrapper.RegionUS:
		return r, nil
	}
	return "", fmt.Errorf("unknown region %q: want %q or %q", s, wrapper.RegionEU, wrapper.RegionUS)
}
