/*
 * test_quic.c -- unit tests for capture/quic.c: Initial keys, header
 * protection, AEAD, frames, CRYPTO reassembly and the per-connection
 * emission rules.
 *
 * Oracles (never this code's output):
 *  - RFC 9001 Appendix A (QUIC v1): keys of A.1, the client Initial of
 *    A.2 (unprotected header, CRYPTO frame, protected packet) and the
 *    server Initial of A.3;
 *  - RFC 9369 Appendix A (QUIC v2): the same for version 0x6b3343cf;
 *  - draft-ietf-quic-tls-29 Appendix A (QUIC draft-29, 0xff00001d).
 *  The hex blocks below are copied from the documents' markdown sources:
 *  quicwg/base-drafts rfc9001.md and tag draft-ietf-quic-tls-29
 *  (draft-ietf-quic-tls.md), quicwg/quic-v2 rfc9369.md.
 *  - the ClientHello inside the RFC's CRYPTO frame, decoded by hand: SNI
 *    "example.com", ALPN "alpn", ciphers 1301 1302, 11 extensions,
 *    supported_versions 0304 -> JA4 prefix "q13d0211an" (FoxIO JA4.md:
 *    "q" for QUIC);
 *  - RFC 9000 A.3's packet number decoding example.
 * The test's own packet protector (protect()) is first checked to
 * reproduce the RFC's protected client packet byte for byte; it then
 * builds the split and reordered ClientHellos of the reassembly tests.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <nettle/aes.h>
#include <nettle/gcm.h>

#include "capture/quic.h"
#include "capture/tls.h"

static const char v1_client_frames[] =
    "060040f1010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e868"
    "04fe3a47f06a2b69484c00000413011302010000c000000010000e00000b6578"
    "616d706c652e636f6dff01000100000a00080006001d00170018001000070005"
    "04616c706e000500050100000000003300260024001d00209370b2c9caa47fba"
    "baf4559fedba753de171fa71f50f1ce15d43e994ec74d748002b000302030400"
    "0d0010000e0403050306030203080408050806002d00020101001c0002400100"
    "3900320408ffffffffffffffff05048000ffff07048000ffff08011001048000"
    "75300901100f088394c8f03e51570806048000ffff";

static const char v1_client_hdr[] =
    "c300000001088394c8f03e5157080000449e00000002";

static const char v1_client_pkt[] =
    "c000000001088394c8f03e5157080000449e7b9aec34d1b1c98dd7689fb8ec11"
    "d242b123dc9bd8bab936b47d92ec356c0bab7df5976d27cd449f63300099f399"
    "1c260ec4c60d17b31f8429157bb35a1282a643a8d2262cad67500cadb8e7378c"
    "8eb7539ec4d4905fed1bee1fc8aafba17c750e2c7ace01e6005f80fcb7df6212"
    "30c83711b39343fa028cea7f7fb5ff89eac2308249a02252155e2347b63d58c5"
    "457afd84d05dfffdb20392844ae812154682e9cf012f9021a6f0be17ddd0c208"
    "4dce25ff9b06cde535d0f920a2db1bf362c23e596d11a4f5a6cf3948838a3aec"
    "4e15daf8500a6ef69ec4e3feb6b1d98e610ac8b7ec3faf6ad760b7bad1db4ba3"
    "485e8a94dc250ae3fdb41ed15fb6a8e5eba0fc3dd60bc8e30c5c4287e53805db"
    "059ae0648db2f64264ed5e39be2e20d82df566da8dd5998ccabdae053060ae6c"
    "7b4378e846d29f37ed7b4ea9ec5d82e7961b7f25a9323851f681d582363aa5f8"
    "9937f5a67258bf63ad6f1a0b1d96dbd4faddfcefc5266ba6611722395c906556"
    "be52afe3f565636ad1b17d508b73d8743eeb524be22b3dcbc2c7468d54119c74"
    "68449a13d8e3b95811a198f3491de3e7fe942b330407abf82a4ed7c1b311663a"
    "c69890f4157015853d91e923037c227a33cdd5ec281ca3f79c44546b9d90ca00"
    "f064c99e3dd97911d39fe9c5d0b23a229a234cb36186c4819e8b9c5927726632"
    "291d6a418211cc2962e20fe47feb3edf330f2c603a9d48c0fcb5699dbfe58964"
    "25c5bac4aee82e57a85aaf4e2513e4f05796b07ba2ee47d80506f8d2c25e50fd"
    "14de71e6c418559302f939b0e1abd576f279c4b2e0feb85c1f28ff18f58891ff"
    "ef132eef2fa09346aee33c28eb130ff28f5b766953334113211996d20011a198"
    "e3fc433f9f2541010ae17c1bf202580f6047472fb36857fe843b19f5984009dd"
    "c324044e847a4f4a0ab34f719595de37252d6235365e9b84392b061085349d73"
    "203a4a13e96f5432ec0fd4a1ee65accdd5e3904df54c1da510b0ff20dcc0c77f"
    "cb2c0e0eb605cb0504db87632cf3d8b4dae6e705769d1de354270123cb11450e"
    "fc60ac47683d7b8d0f811365565fd98c4c8eb936bcab8d069fc33bd801b03ade"
    "a2e1fbc5aa463d08ca19896d2bf59a071b851e6c239052172f296bfb5e724047"
    "90a2181014f3b94a4e97d117b438130368cc39dbb2d198065ae3986547926cd2"
    "162f40a29f0c3c8745c0f50fba3852e566d44575c29d39a03f0cda721984b6f4"
    "40591f355e12d439ff150aab7613499dbd49adabc8676eef023b15b65bfc5ca0"
    "6948109f23f350db82123535eb8a7433bdabcb909271a6ecbcb58b936a88cd4e"
    "8f2e6ff5800175f113253d8fa9ca8885c2f552e657dc603f252e1a8e308f76f0"
    "be79e2fb8f5d5fbbe2e30ecadd220723c8c0aea8078cdfcb3868263ff8f09400"
    "54da48781893a7e49ad5aff4af300cd804a6b6279ab3ff3afb64491c85194aab"
    "760d58a606654f9f4400e8b38591356fbf6425aca26dc85244259ff2b19c41b9"
    "f96f3ca9ec1dde434da7d2d392b905ddf3d1f9af93d1af5950bd493f5aa731b4"
    "056df31bd267b6b90a079831aaf579be0a39013137aac6d404f518cfd4684064"
    "7e78bfe706ca4cf5e9c5453e9f7cfd2b8b4c8d169a44e55c88d4a9a7f9474241"
    "e221af44860018ab0856972e194cd934";

static const char v1_server_plain[] =
    "02000000000600405a020000560303eefce7f7b37ba1d1632e96677825ddf739"
    "88cfc79825df566dc5430b9a045a1200130100002e00330024001d00209d3c94"
    "0d89690b84d08a60993c144eca684d1081287c834d5311bcf32bb9da1a002b00"
    "020304";

static const char v1_server_hdr[] =
    "c1000000010008f067a5502a4262b50040750001";

static const char v1_server_pkt[] =
    "cf000000010008f067a5502a4262b5004075c0d95a482cd0991cd25b0aac406a"
    "5816b6394100f37a1c69797554780bb38cc5a99f5ede4cf73c3ec2493a1839b3"
    "dbcba3f6ea46c5b7684df3548e7ddeb9c3bf9c73cc3f3bded74b562bfb19fb84"
    "022f8ef4cdd93795d77d06edbb7aaf2f58891850abbdca3d20398c276456cbc4"
    "2158407dd074ee";

static const char v2_client_frames[] =
    "060040f1010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e868"
    "04fe3a47f06a2b69484c00000413011302010000c000000010000e00000b6578"
    "616d706c652e636f6dff01000100000a00080006001d00170018001000070005"
    "04616c706e000500050100000000003300260024001d00209370b2c9caa47fba"
    "baf4559fedba753de171fa71f50f1ce15d43e994ec74d748002b000302030400"
    "0d0010000e0403050306030203080408050806002d00020101001c0002400100"
    "3900320408ffffffffffffffff05048000ffff07048000ffff08011001048000"
    "75300901100f088394c8f03e51570806048000ffff";

static const char v2_client_hdr[] =
    "d36b3343cf088394c8f03e5157080000449e00000002";

static const char v2_client_pkt[] =
    "d76b3343cf088394c8f03e5157080000449ea0c95e82ffe67b6abcdb4298b485"
    "dd04de806071bf03dceebfa162e75d6c96058bdbfb127cdfcbf903388e99ad04"
    "9f9a3dd4425ae4d0992cfff18ecf0fdb5a842d09747052f17ac2053d21f57c5d"
    "250f2c4f0e0202b70785b7946e992e58a59ac52dea6774d4f03b55545243cf1a"
    "12834e3f249a78d395e0d18f4d766004f1a2674802a747eaa901c3f10cda5500"
    "cb9122faa9f1df66c392079a1b40f0de1c6054196a11cbea40afb6ef5253cd68"
    "18f6625efce3b6def6ba7e4b37a40f7732e093daa7d52190935b8da58976ff33"
    "12ae50b187c1433c0f028edcc4c2838b6a9bfc226ca4b4530e7a4ccee1bfa2a3"
    "d396ae5a3fb512384b2fdd851f784a65e03f2c4fbe11a53c7777c023462239dd"
    "6f7521a3f6c7d5dd3ec9b3f233773d4b46d23cc375eb198c63301c21801f6520"
    "bcfb7966fc49b393f0061d974a2706df8c4a9449f11d7f3d2dcbb90c6b877045"
    "636e7c0c0fe4eb0f697545460c806910d2c355f1d253bc9d2452aaa549e27a1f"
    "ac7cf4ed77f322e8fa894b6a83810a34b361901751a6f5eb65a0326e07de7c12"
    "16ccce2d0193f958bb3850a833f7ae432b65bc5a53975c155aa4bcb4f7b2c4e5"
    "4df16efaf6ddea94e2c50b4cd1dfe06017e0e9d02900cffe1935e0491d77ffb4"
    "fdf85290fdd893d577b1131a610ef6a5c32b2ee0293617a37cbb08b847741c3b"
    "8017c25ca9052ca1079d8b78aebd47876d330a30f6a8c6d61dd1ab5589329de7"
    "14d19d61370f8149748c72f132f0fc99f34d766c6938597040d8f9e2bb522ff9"
    "9c63a344d6a2ae8aa8e51b7b90a4a806105fcbca31506c446151adfeceb51b91"
    "abfe43960977c87471cf9ad4074d30e10d6a7f03c63bd5d4317f68ff325ba3bd"
    "80bf4dc8b52a0ba031758022eb025cdd770b44d6d6cf0670f4e990b22347a7db"
    "848265e3e5eb72dfe8299ad7481a408322cac55786e52f633b2fb6b614eaed18"
    "d703dd84045a274ae8bfa73379661388d6991fe39b0d93debb41700b41f90a15"
    "c4d526250235ddcd6776fc77bc97e7a417ebcb31600d01e57f32162a8560cacc"
    "7e27a096d37a1a86952ec71bd89a3e9a30a2a26162984d7740f81193e8238e61"
    "f6b5b984d4d3dfa033c1bb7e4f0037febf406d91c0dccf32acf423cfa1e70710"
    "10d3f270121b493ce85054ef58bada42310138fe081adb04e2bd901f2f13458b"
    "3d6758158197107c14ebb193230cd1157380aa79cae1374a7c1e5bbcb80ee23e"
    "06ebfde206bfb0fcbc0edc4ebec309661bdd908d532eb0c6adc38b7ca7331dce"
    "8dfce39ab71e7c32d318d136b6100671a1ae6a6600e3899f31f0eed19e3417d1"
    "34b90c9058f8632c798d4490da4987307cba922d61c39805d072b589bd52fdf1"
    "e86215c2d54e6670e07383a27bbffb5addf47d66aa85a0c6f9f32e59d85a44dd"
    "5d3b22dc2be80919b490437ae4f36a0ae55edf1d0b5cb4e9a3ecabee93dfc6e3"
    "8d209d0fa6536d27a5d6fbb17641cde27525d61093f1b28072d111b2b4ae5f89"
    "d5974ee12e5cf7d5da4d6a31123041f33e61407e76cffcdcfd7e19ba58cf4b53"
    "6f4c4938ae79324dc402894b44faf8afbab35282ab659d13c93f70412e85cb19"
    "9a37ddec600545473cfb5a05e08d0b209973b2172b4d21fb69745a262ccde96b"
    "a18b2faa745b6fe189cf772a9f84cbfc";

static const char v2_server_plain[] =
    "02000000000600405a020000560303eefce7f7b37ba1d1632e96677825ddf739"
    "88cfc79825df566dc5430b9a045a1200130100002e00330024001d00209d3c94"
    "0d89690b84d08a60993c144eca684d1081287c834d5311bcf32bb9da1a002b00"
    "020304";

static const char v2_server_hdr[] =
    "d16b3343cf0008f067a5502a4262b50040750001";

static const char v2_server_pkt[] =
    "dc6b3343cf0008f067a5502a4262b5004075d92faaf16f05d8a4398c47089698"
    "baeea26b91eb761d9b89237bbf87263017915358230035f7fd3945d88965cf17"
    "f9af6e16886c61bfc703106fbaf3cb4cfa52382dd16a393e42757507698075b2"
    "c984c707f0a0812d8cd5a6881eaf21ceda98f4bd23f6fe1a3e2c43edd9ce7ca8"
    "4bed8521e2e140";

static const char d29_client_frames[] =
    "060040c4010000c003036660261ff947cea49cce6cfad687f457cf1b14531ba1"
    "4131a0e8f309a1d0b9c4000006130113031302010000910000000b0009000006"
    "736572766572ff01000100000a00140012001d00170018001901000101010201"
    "03010400230000003300260024001d00204cfdfcd178b784bf328cae793b136f"
    "2aedce005ff183d7bb1495207236647037002b0003020304000d0020001e0403"
    "05030603020308040805080604010501060102010402050206020202002d0002"
    "0101001c00024001";

static const char d29_client_hdr[] =
    "c3ff00001d088394c8f03e5157080000449e00000002";

static const char d29_client_pkt[] =
    "c5ff00001d088394c8f03e5157080000449e4a95245bfb66bc5f93032b7ddd89"
    "fe0ff15d9c4f7050fccdb71c1cd80512d4431643a53aafa1b0b518b44968b18b"
    "8d3e7a4d04c30b3ed9410325b2abb2dafb1c12f8b70479eb8df98abcaf95dd8f"
    "3d1c78660fbc719f88b23c8aef6771f3d50e10fdfb4c9d92386d44481b6c52d5"
    "9e5538d3d3942de9f13a7f8b702dc31724180da9df22714d01003fc5e3d165c9"
    "50e630b8540fbd81c9df0ee63f94997026c4f2e1887a2def79050ac2d86ba318"
    "e0b3adc4c5aa18bcf63c7cf8e85f569249813a2236a7e72269447cd1c755e451"
    "f5e77470eb3de64c8849d292820698029cfa18e5d66176fe6e5ba4ed18026f90"
    "900a5b4980e2f58e39151d5cd685b10929636d4f02e7fad2a5a458249f5c0298"
    "a6d53acbe41a7fc83fa7cc01973f7a74d1237a51974e097636b6203997f921d0"
    "7bc1940a6f2d0de9f5a11432946159ed6cc21df65c4ddd1115f86427259a196c"
    "7148b25b6478b0dc7766e1c4d1b1f5159f90eabc61636226244642ee148b464c"
    "9e619ee50a5e3ddc836227cad938987c4ea3c1fa7c75bbf88d89e9ada642b2b8"
    "8fe8107b7ea375b1b64889a4e9e5c38a1c896ce275a5658d250e2d76e1ed3a34"
    "ce7e3a3f383d0c996d0bed106c2899ca6fc263ef0455e74bb6ac1640ea7bfedc"
    "59f03fee0e1725ea150ff4d69a7660c5542119c71de270ae7c3ecfd1af2c4ce5"
    "51986949cc34a66b3e216bfe18b347e6c05fd050f85912db303a8f054ec23e38"
    "f44d1c725ab641ae929fecc8e3cefa5619df4231f5b4c009fa0c0bbc60bc75f7"
    "6d06ef154fc8577077d9d6a1d2bd9bf081dc783ece60111bea7da9e5a9748069"
    "d078b2bef48de04cabe3755b197d52b32046949ecaa310274b4aac0d008b1948"
    "c1082cdfe2083e386d4fd84c0ed0666d3ee26c4515c4fee73433ac703b690a9f"
    "7bf278a77486ace44c489a0c7ac8dfe4d1a58fb3a730b993ff0f0d61b4d89557"
    "831eb4c752ffd39c10f6b9f46d8db278da624fd800e4af85548a294c1518893a"
    "8778c4f6d6d73c93df200960104e062b388ea97dcf4016bced7f62b4f062cb6c"
    "04c20693d9a0e3b74ba8fe74cc01237884f40d765ae56a51688d985cf0ceaef4"
    "3045ed8c3f0c33bced08537f6882613acd3b08d665fce9dd8aa73171e2d3771a"
    "61dba2790e491d413d93d987e2745af29418e428be34941485c93447520ffe23"
    "1da2304d6a0fd5d07d0837220236966159bef3cf904d722324dd852513df39ae"
    "030d8173908da6364786d3c1bfcb19ea77a63b25f1e7fc661def480c5d00d444"
    "56269ebd84efd8e3a8b2c257eec76060682848cbf5194bc99e49ee75e4d0d254"
    "bad4bfd74970c30e44b65511d4ad0e6ec7398e08e01307eeeea14e46ccd87cf3"
    "6b285221254d8fc6a6765c524ded0085dca5bd688ddf722e2c0faf9d0fb2ce7a"
    "0c3f2cee19ca0ffba461ca8dc5d2c8178b0762cf67135558494d2a96f1a139f0"
    "edb42d2af89a9c9122b07acbc29e5e722df8615c343702491098478a389c9872"
    "a10b0c9875125e257c7bfdf27eef4060bd3d00f4c14fd3e3496c38d3c5d1a566"
    "8c39350effbc2d16ca17be4ce29f02ed969504dda2a8c6b9ff919e693ee79e09"
    "089316e7d1d89ec099db3b2b268725d888536a4b8bf9aee8fb43e82a4d919d48"
    "43b1ca70a2d8d3f725ead1391377dcc0";

static const char d29_server_plain[] =
    "0d0000000018410a020000560303eefce7f7b37ba1d1632e96677825ddf73988"
    "cfc79825df566dc5430b9a045a1200130100002e00330024001d00209d3c940d"
    "89690b84d08a60993c144eca684d1081287c834d5311bcf32bb9da1a002b0002"
    "0304";

static const char d29_server_hdr[] =
    "c1ff00001d0008f067a5502a4262b50040740001";

static const char d29_server_pkt[] =
    "caff00001d0008f067a5502a4262b5004074aaf2f007823a5d3a1207c86ee491"
    "32824f0465243d082d868b107a38092bc80528664cbf9456ebf27673fb5fa506"
    "1ab573c9f001b81da028a00d52ab00b15bebaa70640e106cf2acd043e9c6b441"
    "1c0a79637134d8993701fe779e58c2fe753d14b0564021565ea92e57bc6faf56"
    "dfc7a40870e6";

/* ---- helpers --------------------------------------------------------- */

static size_t unhex(const char *h, uint8_t *out, size_t cap)
{
    size_t n = strlen(h) / 2;
    assert_true(n <= cap);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        assert_int_equal(sscanf(h + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
    return n;
}

/* an exact-size heap copy, so that ASan sees a read past the end */
static uint8_t *heap(const char *h, size_t *n)
{
    uint8_t tmp[4096];
    *n = unhex(h, tmp, sizeof tmp);
    uint8_t *p = test_malloc(*n);
    memcpy(p, tmp, *n);
    return p;
}

static void check_hex(const uint8_t *got, size_t n, const char *want)
{
    uint8_t w[64];
    size_t wn = unhex(want, w, sizeof w);
    assert_int_equal(n, wn);
    assert_memory_equal(got, w, n);
}

static const uint8_t rfc_dcid[8] = { 0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08 };

/* ---- A.1 keys ------------------------------------------------------ */

static void check_keys(uint32_t version, int server, const char *key,
                       const char *iv, const char *hp)
{
    struct quic_keys k;
    assert_int_equal(quic_initial_keys(version, rfc_dcid, 8, server, &k), 0);
    check_hex(k.key, 16, key);
    check_hex(k.iv, 12, iv);
    check_hex(k.hp, 16, hp);
}

static void keys_v1_rfc9001_a1(void **st)
{
    (void)st;
    check_keys(QUIC_V1, 0, "1f369613dd76d5467730efcbe3b1a22d",
               "fa044b2f42a3fd3b46fb255c", "9f50449e04a0e810283a1e9933adedd2");
    check_keys(QUIC_V1, 1, "cf3a5331653c364c88f0f379b6067e37",
               "0ac1493ca1905853b0bba03e", "c206b8d9b9f0f37644430b490eeaa314");
}

static void keys_v2_rfc9369_a1(void **st)
{
    (void)st;
    check_keys(QUIC_V2, 0, "8b1a0bc121284290a29e0971b5cd045d",
               "91f73e2351d8fa91660e909f", "45b95e15235d6f45a6b19cbcb0294ba9");
    check_keys(QUIC_V2, 1, "82db637861d55e1d011f19ea71d5d2a7",
               "dd13c276499c0249d3310652", "edf6d05c83121201b436e16877593c3a");
}

static void keys_draft29(void **st)
{
    (void)st;
    check_keys(QUIC_DRAFT29, 0, "175257a31eb09dea9366d8bb79ad80ba",
               "6b26114b9cba2b63a9e8dd4f", "9ddd12c994c0698b89374a9c077a3077");
    check_keys(QUIC_DRAFT29, 1, "149d0b1662ab871fbe63c49b5e655a5d",
               "bab2b12a4c76016ace47856d", "c0c499a65a60024a18a250974ea01dfa");
}

static void keys_refuse_unknown_versions(void **st)
{
    (void)st;
    struct quic_keys k;
    assert_int_equal(quic_initial_keys(0x51303530u, rfc_dcid, 8, 0, &k), -1); /* Q050 */
    assert_int_equal(quic_initial_keys(0xff00001cu, rfc_dcid, 8, 0, &k), -1); /* draft-28 */
    assert_int_equal(quic_initial_keys(QUIC_V1, rfc_dcid, 21, 0, &k), -1);
    assert_true(quic_version_known(0xff000020u));  /* draft-32: draft-29's salt */
    assert_false(quic_version_known(0));
}

/* ---- A.2 / A.3 packets --------------------------------------------- */

/* Decrypt a protected vector packet; the plaintext must equal `frames`
 * followed by zeros (PADDING) up to plain_len. */
static void check_packet(uint32_t version, int server, const char *pkt_hex,
                         const char *frames_hex, size_t plain_len,
                         uint64_t want_pn, int want_dcid_rfc)
{
    size_t n;
    uint8_t *p = heap(pkt_hex, &n);
    struct quic_long h;
    struct quic_keys k;
    uint8_t out[2048], want[2048] = { 0 };
    uint64_t pn = 0;

    assert_int_equal(quic_parse_long(p, n, &h), 0);
    assert_int_equal(h.version, version);
    assert_int_equal(h.type, QPT_INITIAL);
    assert_int_equal(h.pkt_len, n);
    if (want_dcid_rfc) {
        assert_int_equal(h.dcid_len, 8);
        assert_memory_equal(h.dcid, rfc_dcid, 8);
    }
    assert_int_equal(quic_initial_keys(version, rfc_dcid, 8, server, &k), 0);
    long m = quic_decrypt(p, &h, &k, -1, out, sizeof out, &pn);
    assert_int_equal(m, (long)plain_len);
    assert_int_equal(pn, want_pn);
    unhex(frames_hex, want, sizeof want);
    assert_memory_equal(out, want, plain_len);

    /* one flipped bit anywhere after the header fails authentication */
    for (size_t i = h.pn_off; i < n; i += 97) {
        p[i] ^= 0x10;
        assert_int_equal(quic_decrypt(p, &h, &k, -1, out, sizeof out, &pn), -1);
        p[i] ^= 0x10;
    }
    /* the other side's keys do not open it */
    assert_int_equal(quic_initial_keys(version, rfc_dcid, 8, !server, &k), 0);
    assert_int_equal(quic_decrypt(p, &h, &k, -1, out, sizeof out, &pn), -1);
    test_free(p);
}

static void client_initial_v1_rfc9001_a2(void **st)
{
    (void)st;
    check_packet(QUIC_V1, 0, v1_client_pkt, v1_client_frames, 1162, 2, 1);
}

static void server_initial_v1_rfc9001_a3(void **st)
{
    (void)st;
    check_packet(QUIC_V1, 1, v1_server_pkt, v1_server_plain, 99, 1, 0);
}

static void client_initial_v2_rfc9369_a2(void **st)
{
    (void)st;
    check_packet(QUIC_V2, 0, v2_client_pkt, v2_client_frames, 1162, 2, 1);
}

static void server_initial_v2_rfc9369_a3(void **st)
{
    (void)st;
    check_packet(QUIC_V2, 1, v2_server_pkt, v2_server_plain, 99, 1, 0);
}

static void client_initial_draft29(void **st)
{
    (void)st;
    check_packet(QUIC_DRAFT29, 0, d29_client_pkt, d29_client_frames, 1162, 2, 1);
}

static void server_initial_draft29(void **st)
{
    (void)st;
    check_packet(QUIC_DRAFT29, 1, d29_server_pkt, d29_server_plain, 98, 1, 0);
}

/* ---- frames and the ClientHello inside --------------------------------- */

struct crypto_seen {
    int n;
    uint64_t off[8];
    size_t len[8];
    uint8_t data[4096];
};

static void on_crypto(void *ctx, uint64_t off, const uint8_t *p, size_t n)
{
    struct crypto_seen *c = ctx;
    assert_true(c->n < 8);
    c->off[c->n] = off;
    c->len[c->n] = n;
    if (off + n <= sizeof c->data)
        memcpy(c->data + off, p, n);
    c->n++;
}

static void frames_of_the_rfc_client_initial(void **st)
{
    (void)st;
    uint8_t plain[1162] = { 0 };
    struct crypto_seen c = { 0 };
    struct sh_event ev;

    unhex(v1_client_frames, plain, sizeof plain);
    assert_int_equal(quic_frames(plain, sizeof plain, on_crypto, &c), 0);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.off[0], 0);
    assert_int_equal(c.len[0], 241);              /* 0x40f1 */
    assert_int_equal(c.data[0], 1);               /* ClientHello */
    ev_reset(&ev, EV_TLS);
    assert_int_equal(tls_parse_client_hello(c.data + 4, 241 - 4, &ev), 0);
    assert_string_equal(ev_s(&ev, ev.u.tls.sni), "example.com");
    assert_string_equal(ev_s(&ev, ev.u.tls.alpn), "alpn");
    assert_memory_equal(ev.u.tls.ja4, "t13d0211an_", 11);  /* tls.c's TCP form */
}

static void frames_of_the_rfc_server_initial(void **st)
{
    (void)st;
    uint8_t plain[99];
    struct crypto_seen c = { 0 };
    struct sh_event ev;

    unhex(v1_server_plain, plain, sizeof plain);
    assert_int_equal(quic_frames(plain, sizeof plain, on_crypto, &c), 0);
    assert_int_equal(c.n, 1);                     /* the ACK is skipped */
    assert_int_equal(c.len[0], 90);               /* 0x405a */
    assert_int_equal(c.data[0], 2);               /* ServerHello */
    ev_reset(&ev, EV_TLS);
    assert_int_equal(tls_parse_server_hello(c.data + 4, 90 - 4, &ev), 0);
    assert_int_equal(ev.u.tls.cipher, 0x1301);
    assert_int_equal(ev.u.tls.version, 0x0304);
}

static void frames_stop_safely(void **st)
{
    (void)st;
    struct crypto_seen c = { 0 };
    /* CONNECTION_CLOSE (0x1c) stops the walk; a STREAM frame too */
    static const uint8_t cc[] = { 0x00, 0x1c, 0x01, 0x00, 0x00 };
    assert_int_equal(quic_frames(cc, sizeof cc, on_crypto, &c), 1);
    static const uint8_t stream[] = { 0x08, 0x00 };
    assert_int_equal(quic_frames(stream, sizeof stream, on_crypto, &c), 1);
    /* a CRYPTO frame longer than what is left */
    static const uint8_t cut[] = { 0x06, 0x00, 0x10, 0x01, 0x02 };
    assert_int_equal(quic_frames(cut, sizeof cut, on_crypto, &c), -1);
    /* an ACK whose range count cannot fit */
    static const uint8_t ack[] = { 0x02, 0x00, 0x00, 0x3f, 0x00, 0x00 };
    assert_int_equal(quic_frames(ack, sizeof ack, on_crypto, &c), -1);
    /* a varint cut short */
    static const uint8_t vi[] = { 0x06, 0xc0, 0x00 };
    assert_int_equal(quic_frames(vi, sizeof vi, on_crypto, &c), -1);
    assert_int_equal(c.n, 0);
    /* ACK with ECN and two ranges, then CRYPTO */
    static const uint8_t ok[] = { 0x03, 0x05, 0x00, 0x01, 0x00, 0x01, 0x01,
                                  0x07, 0x08, 0x09, 0x06, 0x05, 0x02, 0xaa, 0xbb };
    assert_int_equal(quic_frames(ok, sizeof ok, on_crypto, &c), 0);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.off[0], 5);
    assert_int_equal(c.len[0], 2);
}

/* RFC 9000 A.3 */
static void packet_number_decoding(void **st)
{
    (void)st;
    assert_int_equal(quic_decode_pn(0xa82f30ea, 0x9b32, 16), 0xa82f9b32);
    assert_int_equal(quic_decode_pn(-1, 2, 32), 2);
    assert_int_equal(quic_decode_pn(-1, 1, 16), 1);
    assert_int_equal(quic_decode_pn(0xff, 0x01, 8), 0x101);
}

/* ---- headers and the prober ------------------------------------------ */

static void long_header_bounds(void **st)
{
    (void)st;
    size_t n;
    uint8_t *p = heap(v1_client_pkt, &n);
    struct quic_long h;
    struct quic_keys k;
    uint8_t out[2048];
    uint64_t pn;

    assert_int_equal(quic_initial_keys(QUIC_V1, rfc_dcid, 8, 0, &k), 0);
    /* every prefix is rejected or fails to decrypt, and reads nothing past it */
    for (size_t cut = 0; cut < n; cut++) {
        uint8_t *q = test_malloc(cut ? cut : 1);
        memcpy(q, p, cut);
        if (quic_parse_long(q, cut, &h) == 0)
            assert_int_equal(quic_decrypt(q, &h, &k, -1, out, sizeof out, &pn), -1);
        test_free(q);
    }
    /* a DCID longer than 20 bytes */
    p[5] = 21;
    assert_int_equal(quic_parse_long(p, n, &h), -1);
    p[5] = 8;
    /* a short header is not a long one */
    p[0] &= 0x7f;
    assert_int_equal(quic_parse_long(p, n, &h), -1);
    p[0] |= 0x80;
    /* Version Negotiation */
    uint8_t vn[] = { 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
    assert_int_equal(quic_parse_long(vn, sizeof vn, &h), -1);
    /* the decrypt refuses a plaintext larger than its buffer */
    assert_int_equal(quic_parse_long(p, n, &h), 0);
    assert_int_equal(quic_decrypt(p, &h, &k, -1, out, 100, &pn), -1);
    test_free(p);
}

static void probe(void **st)
{
    (void)st;
    size_t n;
    uint8_t *p = heap(v1_client_pkt, &n);
    assert_int_equal(quic_probe(p, n), 1);
    assert_int_equal(quic_probe(p, 1199), 0);     /* RFC 9000 14.1 */
    test_free(p);
    p = heap(v2_client_pkt, &n);
    assert_int_equal(quic_probe(p, n), 1);
    test_free(p);
    p = heap(d29_client_pkt, &n);
    assert_int_equal(quic_probe(p, n), 1);
    /* a gQUIC Q050 long header */
    p[1] = 'Q'; p[2] = '0'; p[3] = '5'; p[4] = '0';
    assert_int_equal(quic_probe(p, n), 2);
    test_free(p);
    p = heap(v1_server_pkt, &n);
    assert_int_equal(quic_probe(p, n), 0);        /* small, server's */
    test_free(p);
    uint8_t z[1300] = { 0 };
    assert_int_equal(quic_probe(z, sizeof z), 0);
}

static void version_text_is_suricatas(void **st)
{
    (void)st;
    char b[16];
    assert_string_equal(quic_version_str(QUIC_V1, b, sizeof b), "1");
    assert_string_equal(quic_version_str(QUIC_V2, b, sizeof b), "6b3343cf");
    assert_string_equal(quic_version_str(QUIC_DRAFT29, b, sizeof b), "ff00001d");
}

/* ---- a protector, checked against the RFC, for building packets -------- */

/* Protect an Initial: hdr (unprotected, ending with a pn_len-byte packet
 * number; its Length field must already be right) + frames -> out. */
static size_t protect(const uint8_t *hdr, size_t hlen, size_t pn_len,
                      const uint8_t *frames, size_t flen,
                      const struct quic_keys *k, uint64_t pn, uint8_t *out)
{
    struct gcm_aes128_ctx g;
    struct aes128_ctx a;
    uint8_t nonce[12], mask[16];
    size_t pn_off = hlen - pn_len;

    memcpy(nonce, k->iv, 12);
    for (int i = 0; i < 8; i++)
        nonce[11 - i] ^= (uint8_t)(pn >> (8 * i));
    memcpy(out, hdr, hlen);
    gcm_aes128_set_key(&g, k->key);
    gcm_aes128_set_iv(&g, 12, nonce);
    gcm_aes128_update(&g, hlen, hdr);
    gcm_aes128_encrypt(&g, flen, out + hlen, frames);
    gcm_aes128_digest(&g, 16, out + hlen + flen);
    aes128_set_encrypt_key(&a, k->hp);
    aes128_encrypt(&a, 16, mask, out + pn_off + 4);
    out[0] ^= mask[0] & 0x0f;
    for (size_t i = 0; i < pn_len; i++)
        out[pn_off + i] ^= mask[1 + i];
    return hlen + flen + 16;
}

static void check_protect(uint32_t version, int server, const char *hdr_hex,
                          const char *frames_hex, size_t flen, size_t pn_len,
                          uint64_t pn, const char *pkt_hex)
{
    uint8_t hdr[64], frames[1162] = { 0 }, out[1400], want[1400];
    struct quic_keys k;
    size_t hl = unhex(hdr_hex, hdr, sizeof hdr);
    unhex(frames_hex, frames, sizeof frames);
    assert_int_equal(quic_initial_keys(version, rfc_dcid, 8, server, &k), 0);
    size_t n = protect(hdr, hl, pn_len, frames, flen, &k, pn, out);
    size_t wn = unhex(pkt_hex, want, sizeof want);
    assert_int_equal(n, wn);
    assert_memory_equal(out, want, n);
}

/* the test's protector turns every vector's unprotected header and
 * payload into its protected packet */
static void protector_reproduces_the_vectors(void **st)
{
    (void)st;
    check_protect(QUIC_V1, 0, v1_client_hdr, v1_client_frames, 1162, 4, 2, v1_client_pkt);
    check_protect(QUIC_V1, 1, v1_server_hdr, v1_server_plain, 99, 2, 1, v1_server_pkt);
    check_protect(QUIC_V2, 0, v2_client_hdr, v2_client_frames, 1162, 4, 2, v2_client_pkt);
    check_protect(QUIC_V2, 1, v2_server_hdr, v2_server_plain, 99, 2, 1, v2_server_pkt);
    check_protect(QUIC_DRAFT29, 0, d29_client_hdr, d29_client_frames, 1162, 4, 2,
                  d29_client_pkt);
    check_protect(QUIC_DRAFT29, 1, d29_server_hdr, d29_server_plain, 98, 2, 1,
                  d29_server_pkt);
}

/* A client Initial of version (RFC DCID, pn) carrying frames (flen
 * bytes), padded to a 1200-byte datagram. */
static size_t client_pkt(uint32_t version, uint64_t pn, const uint8_t *fr,
                         size_t flen_in, uint8_t *out)
{
    uint8_t frames[1200] = { 0 }, hdr[64];
    struct quic_keys k;
    size_t h = 0;
    size_t flen = 1200 - 22 - 16;               /* padded payload */

    assert_true(flen_in <= flen);
    memcpy(frames, fr, flen_in);
    hdr[h++] = version == QUIC_V2 ? 0xd3 : 0xc3; /* Initial, 4-byte pn */
    hdr[h++] = (uint8_t)(version >> 24);
    hdr[h++] = (uint8_t)(version >> 16);
    hdr[h++] = (uint8_t)(version >> 8);
    hdr[h++] = (uint8_t)version;
    hdr[h++] = 8;
    memcpy(hdr + h, rfc_dcid, 8);
    h += 8;
    hdr[h++] = 0;                                /* SCID */
    hdr[h++] = 0;                                /* token */
    size_t length = 4 + flen + 16;
    hdr[h++] = (uint8_t)(0x40 | length >> 8);
    hdr[h++] = (uint8_t)length;
    for (int i = 3; i >= 0; i--)
        hdr[h++] = (uint8_t)(pn >> (8 * i));
    assert_int_equal(quic_initial_keys(version, rfc_dcid, 8, 0, &k), 0);
    return protect(hdr, h, 4, frames, flen, &k, pn, out);
}

/* ... carrying CRYPTO [off, off+len) of the RFC ClientHello */
static size_t client_part(uint32_t version, uint64_t pn, size_t off, size_t len,
                          uint8_t *out)
{
    uint8_t crypto_frame[245], frames[300];
    size_t f = 0;

    unhex(v1_client_frames, crypto_frame, sizeof crypto_frame);
    frames[f++] = 0x06;
    frames[f++] = (uint8_t)(0x40 | off >> 8);
    frames[f++] = (uint8_t)off;
    frames[f++] = (uint8_t)(0x40 | len >> 8);
    frames[f++] = (uint8_t)len;
    memcpy(frames + f, crypto_frame + 4 + off, len);
    return client_pkt(version, pn, frames, f + len, out);
}

/* ---- the connection state ------------------------------------------------ */

#define MAX_CAP 4
struct cap {
    int n;
    int dir[MAX_CAP];
    struct sh_event ev[MAX_CAP];
};
static struct cap g_cap;
static struct app_stats g_stats;

static void cap_emit(void *ctx, int dir, struct sh_event *ev)
{
    struct cap *c = ctx;
    assert_true(c->n < MAX_CAP);
    c->dir[c->n] = dir;
    c->ev[c->n++] = *ev;
}
static const struct app_sink g_sink = { cap_emit, &g_cap, &g_stats };

static struct quic_state *new_state(void)
{
    struct quic_state *s = test_malloc(quic_state_size());
    quic_init(s);
    memset(&g_cap, 0, sizeof g_cap);
    memset(&g_stats, 0, sizeof g_stats);
    return s;
}

static void feed_hex(struct quic_state *s, int dir, const char *hex, uint64_t ts)
{
    size_t n;
    uint8_t *p = heap(hex, &n);
    quic_feed(s, dir, p, n, ts, &g_sink);
    test_free(p);
}

static void check_rfc_event(const struct sh_event *ev, uint32_t version)
{
    assert_int_equal(ev->type, EV_TLS);
    assert_int_equal(ev->u.tls.quic, 1);
    assert_int_equal(ev->u.tls.quic_version, version);
    assert_string_equal(ev_s(ev, ev->u.tls.sni), "example.com");
    assert_memory_equal(ev->u.tls.ja4, "q13d0211an_", 11);
    assert_int_equal(strlen(ev->u.tls.ja4), 36);
    assert_int_equal(strlen(ev->u.tls.ja3_hash), 32);
}

static void connection_v1_client_then_server(void **st)
{
    (void)st;
    struct quic_state *s = new_state();
    feed_hex(s, DIR_TOSERVER, v1_client_pkt, 1000);
    assert_int_equal(g_cap.n, 0);                /* waits for the ServerHello */
    assert_int_equal(quic_done(s), 0);
    feed_hex(s, DIR_TOCLIENT, v1_server_pkt, 2000);
    assert_int_equal(g_cap.n, 1);
    assert_int_equal(g_cap.ev[0].ts_us, 2000);
    check_rfc_event(&g_cap.ev[0], QUIC_V1);
    assert_int_equal(g_cap.ev[0].u.tls.has_server_hello, 1);
    assert_int_equal(g_cap.ev[0].u.tls.cipher, 0x1301);
    assert_int_equal(strlen(g_cap.ev[0].u.tls.ja3s_hash), 32);
    assert_int_equal(quic_done(s), 1);
    assert_int_equal(g_stats.quic_initials, 2);
    assert_int_equal(g_stats.quic_clienthellos, 1);
    assert_int_equal(g_stats.quic_serverhellos, 1);
    assert_int_equal(g_stats.quic_events, 1);
    quic_close(s, 3000, &g_sink);                /* nothing more */
    assert_int_equal(g_cap.n, 1);
    test_free(s);
}

static void connection_v2_and_draft29(void **st)
{
    (void)st;
    struct quic_state *s = new_state();
    feed_hex(s, DIR_TOSERVER, v2_client_pkt, 1);
    feed_hex(s, DIR_TOCLIENT, v2_server_pkt, 2);
    assert_int_equal(g_cap.n, 1);
    check_rfc_event(&g_cap.ev[0], QUIC_V2);
    test_free(s);

    /* draft-29: its ClientHello differs (SNI "server"), and its server
     * vector's payload starts with a frame type not allowed in an Initial:
     * no ServerHello, so the event comes at close */
    s = new_state();
    feed_hex(s, DIR_TOSERVER, d29_client_pkt, 1);
    feed_hex(s, DIR_TOCLIENT, d29_server_pkt, 2);
    assert_int_equal(g_cap.n, 0);
    quic_close(s, 3, &g_sink);
    assert_int_equal(g_cap.n, 1);
    assert_string_equal(ev_s(&g_cap.ev[0], g_cap.ev[0].u.tls.sni), "server");
    assert_int_equal(g_cap.ev[0].u.tls.quic_version, QUIC_DRAFT29);
    assert_int_equal(g_cap.ev[0].u.tls.ja4[0], 'q');
    assert_int_equal(g_cap.ev[0].u.tls.has_server_hello, 0);
    test_free(s);
}

static void split_client_hello_in_any_order_and_coalesced(void **st)
{
    (void)st;
    static const size_t cuts[][2] = { { 0, 100 }, { 100, 141 } };
    uint8_t a[1300], b[1300], both[2600];

    /* two datagrams, second part first */
    struct quic_state *s = new_state();
    size_t na = client_part(QUIC_V1, 0, cuts[0][0], cuts[0][1], a);
    size_t nb = client_part(QUIC_V1, 1, cuts[1][0], cuts[1][1], b);
    quic_feed(s, DIR_TOSERVER, b, nb, 1, &g_sink);
    assert_int_equal(g_stats.quic_clienthellos, 0);
    quic_feed(s, DIR_TOSERVER, a, na, 2, &g_sink);
    assert_int_equal(g_stats.quic_clienthellos, 1);
    assert_int_equal(g_cap.n, 0);
    quic_close(s, 3, &g_sink);
    assert_int_equal(g_cap.n, 1);
    check_rfc_event(&g_cap.ev[0], QUIC_V1);
    test_free(s);

    /* both coalesced in one datagram (v2), a retransmission of the first
     * part in between changes nothing */
    s = new_state();
    na = client_part(QUIC_V2, 0, 0, 100, a);
    nb = client_part(QUIC_V2, 1, 100, 141, b);
    memcpy(both, a, na);
    memcpy(both + na, b, nb);
    quic_feed(s, DIR_TOSERVER, a, na, 1, &g_sink);
    quic_feed(s, DIR_TOSERVER, both, na + nb, 2, &g_sink);
    assert_int_equal(g_stats.quic_initials, 3);
    assert_int_equal(g_stats.quic_clienthellos, 1);
    quic_close(s, 3, &g_sink);
    assert_int_equal(g_cap.n, 1);
    check_rfc_event(&g_cap.ev[0], QUIC_V2);
    test_free(s);
}

static void no_server_hello_emits_after_the_wait(void **st)
{
    (void)st;
    struct quic_state *s = new_state();
    uint8_t junk[64];
    feed_hex(s, DIR_TOSERVER, v1_client_pkt, 1);
    memset(junk, 0x41, sizeof junk);            /* short-header server packets */
    for (int i = 0; i < QUIC_SERVER_WAIT - 1; i++)
        quic_feed(s, DIR_TOCLIENT, junk, sizeof junk, 2, &g_sink);
    assert_int_equal(g_cap.n, 0);
    quic_feed(s, DIR_TOCLIENT, junk, sizeof junk, 5, &g_sink);
    assert_int_equal(g_cap.n, 1);
    assert_int_equal(g_cap.dir[0], DIR_TOCLIENT);
    check_rfc_event(&g_cap.ev[0], QUIC_V1);
    test_free(s);

    /* an unanswered client: its retransmissions end the wait */
    s = new_state();
    feed_hex(s, DIR_TOSERVER, v1_client_pkt, 1);
    for (int i = 0; i < QUIC_CLIENT_WAIT - 1; i++)
        feed_hex(s, DIR_TOSERVER, v1_client_pkt, 2);
    assert_int_equal(g_cap.n, 0);
    feed_hex(s, DIR_TOSERVER, v1_client_pkt, 3);
    assert_int_equal(g_cap.n, 1);
    check_rfc_event(&g_cap.ev[0], QUIC_V1);
    test_free(s);

    /* ACK-only server Initials do not count towards the wait */
    s = new_state();
    feed_hex(s, DIR_TOSERVER, v1_client_pkt, 1);
    {
        static const uint8_t ack[] = { 0x02, 0x00, 0x00, 0x00, 0x00 };
        uint8_t hdr[64], out[256], fr[64] = { 0 };
        struct quic_keys k;
        size_t hl = unhex("c1000000010008f067a5502a4262b50040750001", hdr, sizeof hdr);
        memcpy(fr, ack, sizeof ack);
        hdr[hl - 4] = 0x40;                      /* Length: 2 + 48 + 16 = 66 */
        hdr[hl - 3] = 66;
        assert_int_equal(quic_initial_keys(QUIC_V1, rfc_dcid, 8, 1, &k), 0);
        for (int i = 0; i < QUIC_SERVER_WAIT + 2; i++) {
            hdr[hl - 1] = (uint8_t)i;
            size_t n = protect(hdr, hl, 2, fr, 48, &k, (uint64_t)i, out);
            quic_feed(s, DIR_TOCLIENT, out, n, 2, &g_sink);
        }
        assert_int_equal(g_stats.quic_initials, 1 + QUIC_SERVER_WAIT + 2);
        assert_int_equal(g_cap.n, 0);
    }
    feed_hex(s, DIR_TOCLIENT, v1_server_pkt, 3);  /* then the ServerHello */
    assert_int_equal(g_cap.n, 1);
    assert_int_equal(g_cap.ev[0].u.tls.has_server_hello, 1);
    test_free(s);

    /* the client's first 1-RTT packet ends the wait too */
    s = new_state();
    feed_hex(s, DIR_TOSERVER, v1_client_pkt, 1);
    quic_feed(s, DIR_TOSERVER, junk, sizeof junk, 2, &g_sink);
    assert_int_equal(g_cap.n, 1);
    test_free(s);
}

static void undecryptable_connection_reports_ndpis_name_at_close(void **st)
{
    (void)st;
    struct quic_state *s = new_state();
    size_t n;
    uint8_t *p = heap(v1_client_pkt, &n);
    p[n - 1] ^= 1;                               /* tag broken */
    quic_feed(s, DIR_TOSERVER, p, n, 1, &g_sink);
    test_free(p);
    assert_int_equal(g_stats.quic_decrypt_failed, 1);
    quic_close(s, 2, &g_sink);
    assert_int_equal(g_cap.n, 0);                /* nothing known: nothing said */
    test_free(s);

    /* a first Initial that does not open: nothing later can (its keys
     * come from a DCID we never saw), the state gives up at once, silently
     * (a flood of forged Initials must not hold the pool) */
    s = new_state();
    p = heap(v1_client_pkt, &n);
    p[n - 1] ^= 1;
    quic_feed(s, DIR_TOSERVER, p, n, 1, &g_sink);
    assert_int_equal(quic_done(s), 1);
    quic_close(s, 2, &g_sink);
    assert_int_equal(g_cap.n, 0);
    test_free(s);
    /* once an Initial opened, QUIC_GIVE_UP failing ones are needed */
    s = new_state();
    uint8_t ack_only[] = { 0x02, 0x00, 0x00, 0x00, 0x00 };  /* ACK 0, no CRYPTO */
    uint8_t pkt[1300];
    size_t an = client_pkt(QUIC_V1, 0, ack_only, sizeof ack_only, pkt);
    quic_feed(s, DIR_TOSERVER, pkt, an, 1, &g_sink);
    assert_int_equal(g_stats.quic_initials, 1);
    for (int i = 0; i < QUIC_GIVE_UP; i++) {
        assert_int_equal(quic_done(s), 0);
        quic_feed(s, DIR_TOSERVER, p, n, 1, &g_sink);
    }
    assert_int_equal(quic_done(s), 1);
    quic_close(s, 2, &g_sink);
    assert_int_equal(g_cap.n, 0);
    test_free(s);
    /* nDPI named it: the name is said when the state gives up */
    s = new_state();
    quic_set_fallback_sni(s, "www.example.org");
    quic_feed(s, DIR_TOSERVER, p, n, 1, &g_sink);
    test_free(p);
    assert_int_equal(quic_done(s), 1);
    quic_close(s, 2, &g_sink);
    assert_int_equal(g_cap.n, 1);
    assert_string_equal(ev_s(&g_cap.ev[0], g_cap.ev[0].u.tls.sni), "www.example.org");
    assert_int_equal(g_cap.ev[0].u.tls.quic, 1);
    assert_int_equal(g_cap.ev[0].u.tls.ja3_hash[0], 0);
    assert_int_equal(g_stats.quic_ndpi_sni, 1);
    test_free(s);
}

static void crypto_past_the_buffer_is_an_overflow(void **st)
{
    (void)st;
    uint8_t pkt[1300];
    /* CRYPTO bytes at 16380..16479: past QUIC_CH_MAX */
    static const uint8_t far[] = { 0x06, 0x80, 0x00, 0x3f, 0xfc, 0x40, 100 };
    uint8_t fr[200] = { 0 };
    memcpy(fr, far, sizeof far);
    struct quic_state *s = new_state();
    size_t n = client_pkt(QUIC_V1, 0, fr, sizeof far + 100, pkt);
    quic_feed(s, DIR_TOSERVER, pkt, n, 1, &g_sink);
    assert_int_equal(g_stats.quic_initials, 1);
    assert_int_equal(g_stats.quic_reassembly_overflow, 1);
    /* the direction gave up: the RFC hello no longer completes it */
    n = client_part(QUIC_V1, 1, 0, 241, pkt);
    quic_feed(s, DIR_TOSERVER, pkt, n, 2, &g_sink);
    assert_int_equal(g_stats.quic_clienthellos, 0);
    quic_close(s, 3, &g_sink);
    assert_int_equal(g_cap.n, 0);
    test_free(s);

    /* a ClientHello header announcing more than the buffer holds */
    static const uint8_t big[] = { 0x06, 0x00, 0x04, 0x01, 0xff, 0xff, 0xff };
    s = new_state();
    n = client_pkt(QUIC_V1, 0, big, sizeof big, pkt);
    quic_feed(s, DIR_TOSERVER, pkt, n, 1, &g_sink);
    assert_int_equal(g_stats.quic_reassembly_overflow, 1);
    test_free(s);

    /* CRYPTO data that is not a ClientHello */
    static const uint8_t notch[] = { 0x06, 0x00, 0x04, 0x02, 0x00, 0x00, 0x10 };
    s = new_state();
    n = client_pkt(QUIC_V1, 0, notch, sizeof notch, pkt);
    quic_feed(s, DIR_TOSERVER, pkt, n, 1, &g_sink);
    assert_int_equal(g_stats.quic_malformed, 1);
    test_free(s);
    assert_true(quic_state_size() < 40 * 1024);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keys_v1_rfc9001_a1),
        cmocka_unit_test(keys_v2_rfc9369_a1),
        cmocka_unit_test(keys_draft29),
        cmocka_unit_test(keys_refuse_unknown_versions),
        cmocka_unit_test(client_initial_v1_rfc9001_a2),
        cmocka_unit_test(server_initial_v1_rfc9001_a3),
        cmocka_unit_test(client_initial_v2_rfc9369_a2),
        cmocka_unit_test(server_initial_v2_rfc9369_a3),
        cmocka_unit_test(client_initial_draft29),
        cmocka_unit_test(server_initial_draft29),
        cmocka_unit_test(frames_of_the_rfc_client_initial),
        cmocka_unit_test(frames_of_the_rfc_server_initial),
        cmocka_unit_test(frames_stop_safely),
        cmocka_unit_test(packet_number_decoding),
        cmocka_unit_test(long_header_bounds),
        cmocka_unit_test(probe),
        cmocka_unit_test(version_text_is_suricatas),
        cmocka_unit_test(protector_reproduces_the_vectors),
        cmocka_unit_test(connection_v1_client_then_server),
        cmocka_unit_test(connection_v2_and_draft29),
        cmocka_unit_test(split_client_hello_in_any_order_and_coalesced),
        cmocka_unit_test(no_server_hello_emits_after_the_wait),
        cmocka_unit_test(undecryptable_connection_reports_ndpis_name_at_close),
        cmocka_unit_test(crypto_past_the_buffer_is_an_overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
