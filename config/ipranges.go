package config

import (
	"fmt"
	"net/netip"
	"strings"
)

// IPRanges is a list of IP addresses and CIDR ranges, written in settings
// separated by commas: "10.0.0.0/8, 192.0.2.7, ::1". A bare address is a
// range of one. It holds its canonical text ("10.0.0.0/8,192.0.2.7/32,::1/128")
// rather than a slice, so that Settings stays comparable; Prefixes returns the
// parsed list.
type IPRanges string

// ipRangesError says why a list of IP ranges did not parse.
type ipRangesError struct {
	input  string
	reason string
}

func (e *ipRangesError) Error() string {
	return fmt.Sprintf("config: invalid IP ranges %q: %s", e.input, e.reason)
}

// UnmarshalText parses a comma-separated list of IP addresses and CIDR
// ranges. Spaces around the entries are ignored; an empty entry, a zone, or a
// range with host bits set ("10.1.2.3/8") is an error. IPv4-mapped IPv6
// addresses are read as the IPv4 address they carry.
func (r *IPRanges) UnmarshalText(text []byte) error {
	prefixes, reason := parseIPRanges(string(text))
	if reason != "" {
		return &ipRangesError{input: string(text), reason: reason}
	}
	parts := make([]string, len(prefixes))
	for i, p := range prefixes {
		parts[i] = p.String()
	}
	*r = IPRanges(strings.Join(parts, ","))
	return nil
}

// Prefixes returns the ranges. r must have come from UnmarshalText (as it
// does in Settings from Load) or be empty; an entry that does not parse is
// left out.
func (r IPRanges) Prefixes() []netip.Prefix {
	prefixes, _ := parseIPRanges(string(r))
	return prefixes
}

// parseIPRanges returns the ranges written in s, or the reason it is not a
// list of them.
func parseIPRanges(s string) ([]netip.Prefix, string) {
	const want = "want IP addresses or CIDR ranges separated by commas, such as 10.0.0.0/8,192.0.2.7"
	if strings.TrimSpace(s) == "" {
		return nil, ""
	}
	var prefixes []netip.Prefix
	for entry := range strings.SplitSeq(s, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			return nil, "empty entry; " + want
		}
		if strings.Contains(entry, "%") {
			return nil, fmt.Sprintf("%q has a zone; zones are not supported", entry)
		}
		var p netip.Prefix
		if strings.Contains(entry, "/") {
			var err error
			if p, err = netip.ParsePrefix(entry); err != nil {
				return nil, fmt.Sprintf("%q is not a CIDR range; %s", entry, want)
			}
			if p.Addr().Is4In6() && p.Bits() >= 96 {
				p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
			}
			if m := p.Masked(); m != p {
				return nil, fmt.Sprintf("%q has bits set past its prefix length; write %s", entry, m)
			}
		} else {
			a, err := netip.ParseAddr(entry)
			if err != nil {
				return nil, fmt.Sprintf("%q is not an IP address; %s", entry, want)
			}
			a = a.Unmap()
			p = netip.PrefixFrom(a, a.BitLen())
		}
		prefixes = append(prefixes, p)
	}
	return prefixes, ""
}
