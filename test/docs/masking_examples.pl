#!/usr/bin/perl
# The examples of doc/masking-rules.md as a pg_regress test, so that the
# document and the tests cannot drift apart.
#
#   perl test/docs/masking_examples.pl --write   (re)writes test/sql/15_masking_rules_examples.sql
#   perl test/docs/masking_examples.pl           checks, printing "doc examples: N passed, N failed":
#     - the committed test is exactly what the document gives now;
#     - expected/15_masking_rules_examples.out has one row per example, and
#       every row says the call returned the documented result.
# pg_regress then checks that the calls still return what the expected file
# shows.  An example is a table row whose first cell is a code span starting
# with "mask." and whose second cell is a code span (the exact text), NULL,
# empty, or "error SQLSTATE"; "\|" in a cell is a "|" (Markdown tables).
use strict;
use warnings;
use utf8;
use open qw(:std :encoding(UTF-8));
use FindBin;

my $top = "$FindBin::Bin/../..";
my $doc = 'doc/masking-rules.md';
my $test = 'test/sql/15_masking_rules_examples.sql';
my $expected = 'expected/15_masking_rules_examples.out';

sub slurp { my ($f) = @_; open my $h, '<', "$top/$f" or return undef; local $/; my $s = <$h>; close $h; return $s; }

# The examples: [line, call, documented result as the test compares it].
sub examples {
    my $text = slurp($doc) // die "cannot read $doc\n";
    my ($n, @ex) = (0);
    for my $line (split /\n/, $text) {
        $n++;
        next unless $line =~ /^\|/;
        my @cells = map { s/\\\|/|/gr } map { s/^\s+|\s+$//gr } split /(?<!\\)\|/, $line;
        shift @cells;                       # before the first |
        next unless @cells >= 2 && $cells[0] =~ /^`(mask\..*)`$/;
        my $call = $1;
        my $r = $cells[1];
        my $want;
        if ($r =~ /^`(.*)`$/) { $want = $1; }
        elsif ($r eq 'NULL') { $want = '(null)'; }
        elsif ($r eq 'empty') { $want = ''; }
        elsif ($r =~ /^error ([0-9A-Z]{5})$/) { $want = "error $1"; }
        else { die "$doc:$n: the result cell '$r' is none of `text`, NULL, empty, error SQLSTATE\n"; }
        die "$doc:$n: the call contains \$ex\$\n" if $call =~ /\$ex\$/;
        push @ex, [$n, $call, $want];
    }
    die "$doc: no examples found\n" unless @ex;
    return @ex;
}

sub quote { my ($s) = @_; $s =~ s/'/''/g; return "'$s'"; }

sub sql {
    my @ex = @_;
    my $s = <<'HEAD';
-- Generated from doc/masking-rules.md by test/docs/masking_examples.pl --write:
-- edit the document, not this file.  Every example of the document, in its
-- order: what the call returns ("(null)" for NULL, "error SQLSTATE" when it
-- raises) and whether that is the documented result (t).
SET client_min_messages = warning;
-- (ranges of dates print in ISO form whatever pg_regress's PGDATESTYLE)
SET DateStyle = ISO;
CREATE EXTENSION IF NOT EXISTS maskview;
\pset format unaligned
\pset tuples_only on
\i test/sql/fixtures/run_call.sql
HEAD
    for my $e (@ex) {
        my ($n, $call, $want) = @$e;
        $s .= "SELECT r, r = " . quote($want) . " AS documented FROM pg_temp.run(\$ex\$$call\$ex\$) r;\n";
    }
    return $s;
}

my @ex = examples();
my $sql = sql(@ex);
if (@ARGV && $ARGV[0] eq '--write') {
    open my $h, '>', "$top/$test" or die "cannot write $test: $!\n";
    print $h $sql;
    close $h;
    printf "%s: %d examples\n", $test, scalar @ex;
    exit 0;
}

my ($pass, $fail) = (0, 0);
sub check { my ($ok, $what) = @_; if ($ok) { $pass++ } else { $fail++; print "FAIL doc examples: $what\n"; } }
my $committed = slurp($test);
check(defined $committed && $committed eq $sql,
      "$test is not what $doc gives (run: perl test/docs/masking_examples.pl --write)");
my $out = slurp($expected);
check(defined $out, "$expected is missing");
if (defined $out) {
    # Each example's row is the line after the SELECT echoed by pg_regress.
    my @rows = ($out =~ /^SELECT r, r = .*\n(.*)\n/mg);
    check(@rows == @ex, sprintf("%s has %d example rows, the document %d", $expected, scalar @rows, scalar @ex));
    for my $i (0 .. $#rows) {
        my $e = $ex[$i] // [0, '?', '?'];
        check(scalar($rows[$i] =~ /\|t$/), "$doc:$e->[0]: $e->[1] returns '" . ($rows[$i] =~ s/\|[tf]?$//r) . "', the document says '$e->[2]'");
    }
}
print "doc examples: $pass passed, $fail failed\n";
exit($fail ? 1 : 0);
