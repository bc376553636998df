#!/usr/bin/perl
# Writes two tiny MaxMind DB files shaped like GeoLite2-Country and
# GeoLite2-ASN (same database_type, same keys) with documentation-range
# networks only, for spanhound's GeoIP tests (docs/geoip.md).
#
#   tests/geo/make_mmdb.pl OUTDIR
#
# writes OUTDIR/test-country.mmdb and OUTDIR/test-asn.mmdb.  Needs Debian's
# libmaxmind-db-writer-perl.  The networks (the tests read their expected
# values from `mmdblookup` on these files, not from this list):
#   192.0.2.0/24        NL Netherlands         AS64500 Example Transit
#   192.0.2.128/25      -- (country only: BE)  (ASN: the /24's)
#   198.51.100.0/24     DE Germany             AS64501 Documentation Hosting
#   198.51.100.64/26    FR France              AS64502 Bulletproof Example Ltd
#   203.0.113.0/25      registered_country JP only (no country)   no ASN
#   2001:db8::/32       NL Netherlands         AS64500 Example Transit
#   2001:db8:64::/48    US United States       AS64510 Example v6 Cloud
#   everything else: no entry
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my $dir = shift @ARGV or die "usage: $0 OUTDIR\n";

my %types = (
    country                        => 'map',
    registered_country             => 'map',
    continent                      => 'map',
    names                          => 'map',
    en                             => 'utf8_string',
    iso_code                       => 'utf8_string',
    code                           => 'utf8_string',
    geoname_id                     => 'uint32',
    autonomous_system_number       => 'uint32',
    autonomous_system_organization => 'utf8_string',
);

sub tree {
    my ($type) = @_;
    return MaxMind::DB::Writer::Tree->new(
        ip_version               => 6,
        record_size              => 24,
        database_type            => $type,
        languages                => ['en'],
        description              => { en => "spanhound test $type (documentation ranges)" },
        map_key_type_callback    => sub { $types{ $_[0] } },
        remove_reserved_networks => 0,
        alias_ipv6_to_ipv4       => 1,
    );
}

sub country {
    my ($iso, $name, $gid) = @_;
    return { iso_code => $iso, geoname_id => $gid, names => { en => $name } };
}

my $c = tree('GeoLite2-Country');
my %eu = (continent => { code => 'EU', geoname_id => 6255148, names => { en => 'Europe' } });
$c->insert_network('192.0.2.0/24',
    { %eu, country => country('NL', 'Netherlands', 2750405),
      registered_country => country('NL', 'Netherlands', 2750405) });
$c->insert_network('192.0.2.128/25',
    { %eu, country => country('BE', 'Belgium', 2802361),
      registered_country => country('BE', 'Belgium', 2802361) });
$c->insert_network('198.51.100.0/24',
    { %eu, country => country('DE', 'Germany', 2921044),
      registered_country => country('DE', 'Germany', 2921044) });
$c->insert_network('198.51.100.64/26',
    { %eu, country => country('FR', 'France', 3017382),
      registered_country => country('FR', 'France', 3017382) });
$c->insert_network('203.0.113.0/25',
    { registered_country => country('JP', 'Japan', 1861060) });
$c->insert_network('2001:db8::/32',
    { %eu, country => country('NL', 'Netherlands', 2750405),
      registered_country => country('NL', 'Netherlands', 2750405) });
$c->insert_network('2001:db8:64::/48',
    { country => country('US', 'United States', 6252001),
      registered_country => country('US', 'United States', 6252001) });

my $a = tree('GeoLite2-ASN');
$a->insert_network('192.0.2.0/24',
    { autonomous_system_number => 64500, autonomous_system_organization => 'Example Transit' });
$a->insert_network('198.51.100.0/24',
    { autonomous_system_number => 64501, autonomous_system_organization => 'Documentation Hosting' });
$a->insert_network('198.51.100.64/26',
    { autonomous_system_number => 64502, autonomous_system_organization => 'Bulletproof Example Ltd' });
$a->insert_network('2001:db8::/32',
    { autonomous_system_number => 64500, autonomous_system_organization => 'Example Transit' });
$a->insert_network('2001:db8:64::/48',
    { autonomous_system_number => 64510, autonomous_system_organization => 'Example v6 Cloud' });

for ([ $c, 'test-country.mmdb' ], [ $a, 'test-asn.mmdb' ]) {
    my ($t, $name) = @$_;
    open my $fh, '>:raw', "$dir/$name" or die "$dir/$name: $!\n";
    $t->write_tree($fh);
    close $fh or die "$dir/$name: $!\n";
}
