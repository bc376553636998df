/*
 * binding.h -- what a verdict says about a host's MAC address: where the
 * binding came from and whether a NAC may act on it (host.h explains the
 * rules).  Shared by the host table and the verdicts it feeds.
 */
#ifndef SH_BINDING_H
#define SH_BINDING_H

/* ranked: a higher source upgrades a binding of the same MAC */
enum mac_source { MAC_NONE = 0, MAC_HINT, MAC_ETHERNET, MAC_ARP, MAC_NDP, MAC_DHCP };

enum mac_status {
    MACST_UNKNOWN = 0,   /* no binding                                 */
    MACST_TRUSTED,       /* a NAC may act on this MAC                  */
    MACST_ROUTED,        /* the MAC is a router's: act on the IP       */
    MACST_CONFLICT,      /* two MACs claim the IP: act on the IP       */
};

#endif /* SH_BINDING_H */
