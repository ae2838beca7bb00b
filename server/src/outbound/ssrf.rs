//! The SSRF guard's address policy: which IP addresses an outbound call may reach.
//!
//! Guarantees: [`is_forbidden`] is true for every address that is not plainly on the public
//! internet: loopback, private, link-local, shared (CGNAT), documentation, benchmarking, reserved,
//! multicast, broadcast and unspecified addresses, and every IPv6 form that embeds or tunnels to
//! IPv4 (mapped, compatible, NAT64, 6to4, Teredo) unless the embedded IPv4 address is itself
//! allowed. IPv6 outside global unicast (`2000::/3`) is refused as a whole, so a range we forgot
//! to name fails closed rather than open.
//!
//! Why: webhook URLs are typed by console users, and a delivery engine that can be pointed at
//! `http://169.254.169.254/` or `https://10.0.0.5:8443/admin` becomes a way into the network it
//! runs in. The client (see `client.rs`) applies this policy to every address it connects to.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// True when an outbound call must not connect to `ip`.
pub fn is_forbidden(ip: IpAddr) -> bool {
    forbidden_reason(ip).is_some()
}

/// Why `ip` is refused, in words that complete "The address X is …"; `None` when it is allowed.
pub fn forbidden_reason(ip: IpAddr) -> Option<String> {
    match ip {
        IpAddr::V4(v4) => v4_reason(v4).map(str::to_owned),
        IpAddr::V6(v6) => v6_reason(v6),
    }
}

/// IPv4 ranges that are not the public internet, most specific first (first match wins).
const V4_RULES: &[([u8; 4], u8, &str)] = &[
    ([0, 0, 0, 0], 32, "unspecified"),
    ([255, 255, 255, 255], 32, "the broadcast address"),
    // 0.0.0.0/8 "this network": Linux connects 0.x.x.x to the local host.
    ([0, 0, 0, 0], 8, "in 0.0.0.0/8 (\"this network\")"),
    ([10, 0, 0, 0], 8, "private"),
    // Carrier-grade NAT space reaches the operator's side of the NAT, not the internet.
    ([100, 64, 0, 0], 10, "carrier-grade NAT (shared) space"),
    ([127, 0, 0, 0], 8, "loopback"),
    // Link-local includes the cloud metadata endpoint 169.254.169.254, the classic SSRF target.
    ([169, 254, 0, 0], 16, "link-local"),
    ([172, 16, 0, 0], 12, "private"),
    ([192, 0, 0, 0], 24, "reserved for IETF protocol assignments"),
    ([192, 0, 2, 0], 24, "reserved for documentation"),
    ([192, 88, 99, 0], 24, "a 6to4 relay anycast address"),
    ([192, 168, 0, 0], 16, "private"),
    ([198, 18, 0, 0], 15, "reserved for benchmarking"),
    ([198, 51, 100, 0], 24, "reserved for documentation"),
    ([203, 0, 113, 0], 24, "reserved for documentation"),
    ([224, 0, 0, 0], 4, "multicast"),
    ([240, 0, 0, 0], 4, "reserved"),
];

fn v4_reason(ip: Ipv4Addr) -> Option<&'static str> {
    let addr = u32::from(ip);
    V4_RULES
        .iter()
        .find(|(net, len, _)| in_prefix(addr.into(), u32::from_be_bytes(*net).into(), *len, 32))
        .map(|(_, _, reason)| *reason)
}

/// IPv6 ranges refused outright, most specific first. Embedding forms are handled in code.
const V6_RULES: &[(u128, u8, &str)] = &[
    (0, 128, "unspecified"),
    (1, 128, "loopback"),
    (0xfc00 << 112, 7, "unique-local (private)"),
    (0xfe80 << 112, 10, "link-local"),
    (0xfec0 << 112, 10, "site-local (deprecated, private)"),
    (0xff00 << 112, 8, "multicast"),
    (0x0100 << 112, 64, "discard-only"),
    // Teredo tunnels to arbitrary IPv4 hosts (including private ones behind the relay), and the
    // IPv4 address it embeds is obfuscated: refuse the whole prefix.
    (0x2001 << 112, 32, "a Teredo tunnel address"),
    (0x2001_0002 << 96, 48, "reserved for benchmarking"),
    // The rest of 2001::/23 is IETF protocol assignments (ORCHID, AMT, AS112…), not endpoints.
    (0x2001 << 112, 23, "reserved for IETF protocol assignments"),
    (0x2001_0db8 << 96, 32, "reserved for documentation"),
    (0x3fff << 112, 20, "reserved for documentation"),
];

fn v6_reason(ip: Ipv6Addr) -> Option<String> {
    let addr = u128::from(ip);
    if let Some((_, _, reason)) = V6_RULES
        .iter()
        .find(|(net, len, _)| in_prefix(addr, *net, *len, 128))
    {
        return Some((*reason).to_owned());
    }
    // The kernel turns these forms into IPv4 traffic (or a gateway does): judge the IPv4 inside,
    // otherwise ::ffff:127.0.0.1 would walk straight past the IPv4 rules.
    let low32 = Ipv4Addr::from(addr as u32);
    if in_prefix(addr, 0xffff << 32, 96, 128) {
        return embedded("an IPv4-mapped form", low32);
    }
    if in_prefix(addr, 0, 96, 128) {
        // IPv4-compatible (::a.b.c.d), deprecated; :: and ::1 were matched above.
        return embedded("an IPv4-compatible form", low32);
    }
    if in_prefix(addr, 0x0064_ff9b << 96, 96, 128) {
        // Well-known NAT64 prefix: the gateway connects to the embedded IPv4 address.
        return embedded("a NAT64 form", low32);
    }
    if in_prefix(addr, (0x0064_ff9b << 96) | (1 << 80), 48, 128) {
        // Local-use NAT64 (RFC 8215) translates inside one operator's network, and where the IPv4
        // sits depends on a prefix length we cannot know: refuse it rather than guess.
        return Some("in the local-use NAT64 prefix 64:ff9b:1::/48".to_owned());
    }
    if in_prefix(addr, 0x2002 << 112, 16, 128) {
        // 6to4 carries the IPv4 of its relay in bits 16..48.
        return embedded("a 6to4 form", Ipv4Addr::from((addr >> 80) as u32));
    }
    if !in_prefix(addr, 0x2000 << 112, 3, 128) {
        // Fail closed: only global unicast is ever a public endpoint.
        return Some("outside IPv6 global unicast space (2000::/3)".to_owned());
    }
    None
}

fn embedded(form: &str, v4: Ipv4Addr) -> Option<String> {
    v4_reason(v4).map(|why| format!("{form} of {v4}, which is {why}"))
}

/// Whether the top `len` bits of `addr` equal those of `net`, for `width`-bit addresses.
fn in_prefix(addr: u128, net: u128, len: u8, width: u32) -> bool {
    if len == 0 {
        return true;
    }
    let shift = width - u32::from(len);
    (addr >> shift) == (net >> shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or_else(|_| panic!("bad test address {s}"))
    }

    fn assert_all(cases: &[&str], forbidden: bool) {
        for case in cases {
            assert_eq!(
                is_forbidden(ip(case)),
                forbidden,
                "{case}: expected forbidden={forbidden}, reason {:?}",
                forbidden_reason(ip(case))
            );
        }
    }

    #[test]
    fn public_addresses_are_allowed() {
        assert_all(
            &[
                "8.8.8.8",
                "1.1.1.1",
                "93.184.216.34",
                "9.255.255.255",
                "11.0.0.0",
                "100.63.255.255",
                "100.128.0.0",
                "126.255.255.255",
                "128.0.0.0",
                "169.253.255.255",
                "169.255.0.0",
                "172.15.255.255",
                "172.32.0.0",
                "192.0.1.1",
                "192.0.3.1",
                "192.167.255.255",
                "192.169.0.0",
                "198.17.255.255",
                "198.20.0.0",
                "198.51.99.1",
                "203.0.112.1",
                "223.255.255.255",
                "2606:4700:4700::1111",
                "2001:4860:4860::8888",
                "2a00:1450:4001::200e",
                "2001:200::1",
            ],
            false,
        );
    }

    #[test]
    fn loopback_private_and_link_local_are_forbidden() {
        assert_all(
            &[
                "127.0.0.1",
                "127.255.255.254",
                "::1",
                "10.0.0.1",
                "10.255.255.255",
                "172.16.0.1",
                "172.31.255.255",
                "192.168.0.1",
                "192.168.255.255",
                "169.254.169.254",
                "169.254.0.1",
                "fe80::1",
                "febf::1",
                "fec0::1",
                "fc00::1",
                "fdff:ffff::1",
            ],
            true,
        );
    }

    #[test]
    fn special_purpose_ipv4_ranges_are_forbidden() {
        assert_all(
            &[
                "0.0.0.0",
                "0.1.2.3",
                "255.255.255.255",
                "224.0.0.1",
                "239.255.255.250",
                "100.64.0.1",
                "100.127.255.255",
                "192.0.0.8",
                "192.0.2.1",
                "198.51.100.7",
                "203.0.113.9",
                "198.18.0.1",
                "198.19.255.255",
                "192.88.99.1",
                "240.0.0.1",
                "254.1.2.3",
            ],
            true,
        );
    }

    #[test]
    fn special_purpose_ipv6_ranges_are_forbidden() {
        assert_all(
            &[
                "::",
                "ff02::1",
                "ff0e::1",
                "2001:db8::1",
                "2001:db8:ffff::1",
                "3fff::1",
                "2001:2::1",
                "2001:10::1",
                "100::1",
                "4000::1",
                "1::1",
            ],
            true,
        );
    }

    #[test]
    fn ipv6_forms_embedding_a_forbidden_ipv4_are_forbidden() {
        assert_all(
            &[
                "::ffff:127.0.0.1",
                "::ffff:10.0.0.1",
                "::ffff:169.254.169.254",
                "::127.0.0.1",
                "::10.0.0.1",
                "64:ff9b::127.0.0.1",
                "64:ff9b::192.168.1.1",
                "2002:7f00:0001::1",
                "2002:a00:1::",
                "2002:c0a8:0101::1",
            ],
            true,
        );
    }

    #[test]
    fn ipv6_forms_embedding_a_public_ipv4_are_judged_by_that_ipv4() {
        assert_all(
            &[
                "::ffff:8.8.8.8",
                "::8.8.8.8",
                "64:ff9b::8.8.8.8",
                "2002:808:808::1",
            ],
            false,
        );
    }

    #[test]
    fn teredo_and_local_use_nat64_are_forbidden_whatever_they_embed() {
        assert_all(
            &[
                "2001::1",
                "2001:0:4136:e378:8000:63bf:3fff:fdd2",
                "64:ff9b:1::8.8.8.8",
                "64:ff9b:1:ffff::1",
            ],
            true,
        );
    }

    #[test]
    fn reasons_read_as_plain_words() {
        assert_eq!(forbidden_reason(ip("10.0.0.1")).as_deref(), Some("private"));
        assert_eq!(forbidden_reason(ip("::1")).as_deref(), Some("loopback"));
        assert_eq!(
            forbidden_reason(ip("::ffff:127.0.0.1")).as_deref(),
            Some("an IPv4-mapped form of 127.0.0.1, which is loopback")
        );
        assert_eq!(forbidden_reason(ip("8.8.8.8")), None);
    }
}
