#!/usr/bin/perl
# Validates a META.json against the PGXN Meta Spec 1.0.0 (https://pgxn.org/spec/):
# the mandatory keys, the type and format of every key the spec defines
# (SemVer versions, license strings, prereq phases and relations, version
# ranges, resources, release status, tags) and no key the spec does not know
# unless it starts with "x_" or "X_".  Usage: pgxn_meta.pl META.json; prints
# every problem and exits 1, or prints "META.json is valid" and exits 0.
use strict;
use warnings;
use JSON::PP;

my $file = shift // 'META.json';
open my $fh, '<', $file or die "$file: $!\n";
my $meta = eval { local $/; JSON::PP->new->decode(<$fh>) };
die "$file is not JSON: $@" unless $meta;

my @problems;
sub problem { push @problems, join('', @_) }

my $semver = qr/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z]+)?$/;
my %licenses = map { $_ => 1 } qw(agpl_3 apache_1_1 apache_2_0 artistic_1 artistic_2
    bsd freebsd gfdl_1_2 gfdl_1_3 gpl_1 gpl_2 gpl_3 lgpl_2_1 lgpl_3_0 mit mozilla_1_0
    mozilla_1_1 openssl perl_5 postgresql qpl_1_0 ssleay sun zlib open_source restricted
    unrestricted unknown);
my %phases = map { $_ => 1 } qw(configure build runtime test develop);
my %relations = map { $_ => 1 } qw(requires recommends suggests conflicts);
my %known = map { $_ => 1 } qw(name abstract description version maintainer license
    provides meta-spec prereqs generated_by tags no_index release_status resources);

sub is_string { defined $_[0] && !ref $_[0] && length $_[0] }
sub is_url    { is_string($_[0]) && $_[0] =~ m{^[a-z][a-z0-9+.-]*://\S+$}i }
sub is_term   { is_string($_[0]) && length $_[0] >= 2 && $_[0] !~ m{[/\\\x00-\x1f\x7f]} }
# A version range: "0", a SemVer, or comma-separated "op SemVer" terms.
sub is_range {
    my $r = shift;
    return 0 unless is_string($r);
    return 1 if $r eq '0' || $r =~ $semver;
    for my $term (split /\s*,\s*/, $r) {
        return 0 unless $term =~ /^(?:==|!=|>=|<=|>|<)\s*(\S+)$/ && $1 =~ $semver;
    }
    return 1;
}

for my $k (qw(name abstract version maintainer license provides meta-spec)) {
    problem("missing mandatory key '$k'") unless exists $meta->{$k};
}
for my $k (sort keys %$meta) {
    problem("unknown key '$k' (custom keys start with x_)") unless $known{$k} || $k =~ /^x_/i;
}
problem("name must be a term of 2+ characters without / or \\") unless is_term($meta->{name});
problem("abstract must be a non-empty string") unless is_string($meta->{abstract});
problem("version must be a SemVer") unless is_string($meta->{version}) && $meta->{version} =~ $semver;
problem("description must be a string") if exists $meta->{description} && !is_string($meta->{description});
problem("generated_by must be a string") if exists $meta->{generated_by} && !is_string($meta->{generated_by});

my $m = $meta->{maintainer};
problem("maintainer must be a string or a non-empty list of strings")
    unless is_string($m) || (ref $m eq 'ARRAY' && @$m && !grep { !is_string($_) } @$m);

my $l = $meta->{license};
if (ref $l eq 'HASH') {
    problem("license object values must be URLs") if !%$l || grep { !is_url($_) } values %$l;
} elsif (ref $l eq 'ARRAY') {
    problem("license list entries must be known license strings") if !@$l || grep { !$licenses{$_} } @$l;
} else {
    problem("license '", $l // '', "' is not a license string of the spec") unless defined $l && $licenses{$l};
}

my $p = $meta->{provides};
if (ref $p ne 'HASH' || !%$p) {
    problem("provides must be an object naming at least one extension");
} else {
    for my $ext (sort keys %$p) {
        my $e = $p->{$ext};
        problem("provides.$ext must be an object"), next unless ref $e eq 'HASH';
        problem("provides.$ext.version must be a SemVer") unless is_string($e->{version}) && $e->{version} =~ $semver;
        for my $k (sort keys %$e) {
            problem("provides.$ext: unknown key '$k'") unless $k =~ /^(file|version|abstract|docfile)$/ || $k =~ /^x_/i;
        }
        for my $k (qw(file docfile abstract)) {
            problem("provides.$ext.$k must be a string") if exists $e->{$k} && !is_string($e->{$k});
        }
    }
}

my $ms = $meta->{'meta-spec'};
problem("meta-spec must be an object with version 1.0.0")
    unless ref $ms eq 'HASH' && ($ms->{version} // '') eq '1.0.0';
problem("meta-spec.url must be a URL") if ref $ms eq 'HASH' && exists $ms->{url} && !is_url($ms->{url});

if (exists $meta->{prereqs}) {
    my $pr = $meta->{prereqs};
    if (ref $pr ne 'HASH') { problem("prereqs must be an object") }
    else {
        for my $ph (sort keys %$pr) {
            problem("prereqs: unknown phase '$ph'"), next unless $phases{$ph} || $ph =~ /^x_/i;
            for my $rel (sort keys %{ $pr->{$ph} }) {
                problem("prereqs.$ph: unknown relation '$rel'"), next unless $relations{$rel} || $rel =~ /^x_/i;
                for my $dep (sort keys %{ $pr->{$ph}{$rel} }) {
                    problem("prereqs.$ph.$rel.$dep: '$pr->{$ph}{$rel}{$dep}' is not a version range")
                        unless is_range($pr->{$ph}{$rel}{$dep});
                }
            }
        }
    }
}
if (exists $meta->{tags}) {
    my $t = $meta->{tags};
    problem("tags must be a non-empty list of strings of at most 255 characters")
        unless ref $t eq 'ARRAY' && @$t && !grep { !is_string($_) || length $_ > 255 } @$t;
}
if (exists $meta->{release_status}) {
    problem("release_status must be stable, testing or unstable")
        unless ($meta->{release_status} // '') =~ /^(stable|testing|unstable)$/;
}
if (exists $meta->{no_index}) {
    my $n = $meta->{no_index};
    problem("no_index must be an object with file and/or directory lists")
        unless ref $n eq 'HASH' && !grep { !/^(file|directory)$/ && !/^x_/i } keys %$n;
}
if (exists $meta->{resources}) {
    my $r = $meta->{resources};
    if (ref $r ne 'HASH') { problem("resources must be an object") }
    else {
        problem("resources.homepage must be a URL") if exists $r->{homepage} && !is_url($r->{homepage});
        for my $k (qw(bugtracker repository)) {
            next unless exists $r->{$k};
            problem("resources.$k must be an object"), next unless ref $r->{$k} eq 'HASH';
            for my $u (qw(web url)) {
                problem("resources.$k.$u must be a URL") if exists $r->{$k}{$u} && !is_url($r->{$k}{$u});
            }
            problem("resources.$k must not point to a placeholder host")
                if grep { defined && /example\.(invalid|com|org)|localhost/ } values %{ $r->{$k} };
        }
    }
}

if (@problems) { print "$file: $_\n" for @problems; exit 1 }
print "$file is valid (PGXN Meta Spec 1.0.0)\n";
