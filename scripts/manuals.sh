#!/usr/bin/env bash
# Writes the manual pages from the parsers: rentald(8), rentalctl(1) with a page per subcommand, and the
# same rentalctl pages in Russian (OUT/ru/man1, where man looks under a Russian locale).
#
#   scripts/manuals.sh GENERATE_MANUAL RENTALD RENTALCTL OUT
#
# GENERATE_MANUAL is swift-argument-parser's generate-manual tool. It runs a command with
# --experimental-dump-help and writes mdoc, but keeps ASCII only (1.8.2 drops every other character). So
# it is given a wrapper that runs the command in the wanted language and spells each non-ASCII character
# of the help as an ASCII placeholder (ZzU0416zZ), which this script turns into roff's \[u0416] escape
# afterwards: the pages say «Рябинушка» and 1–1000 whatever the reader's encoding. Needs perl (Debian's
# perl-base is essential).
set -euo pipefail
(($# == 4)) || { echo "usage: $0 GENERATE_MANUAL RENTALD RENTALCTL OUT" >&2; exit 64; }
tool=$1 rentald=$2 rentalctl=$3 out=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# wrapper NAME BINARY LANG: a command that prints BINARY's help in LANG, non-ASCII as placeholders.
wrapper() {
    cat >"$work/$1" <<SCRIPT
#!/bin/sh
set -e
LANG=$3 LC_ALL= LC_MESSAGES= "$2" "\$@" >"$work/$1.out"
perl -CS -pe 's/([^\\x00-\\x7F])/sprintf("ZzU%04XzZ", ord(\$1))/ge' <"$work/$1.out"
SCRIPT
    chmod +x "$work/$1"
}
wrapper rentald "$rentald" C.UTF-8
wrapper rentalctl "$rentalctl" C.UTF-8
wrapper rentalctl-ru "$rentalctl" ru_RU.UTF-8

mkdir -p "$out/man8" "$out/man1" "$out/ru/man1"
"$tool" "$work/rentald" --section 8 -o "$out/man8" >/dev/null
"$tool" "$work/rentalctl" --section 1 --multi-page -o "$out/man1" >/dev/null
"$tool" "$work/rentalctl-ru" --section 1 --multi-page -o "$out/ru/man1" >/dev/null
perl -pi -e 's/ZzU([0-9A-F]{4,6})zZ/\\[u$1]/g' "$out"/man8/*.8 "$out"/man1/*.1 "$out"/ru/man1/*.1

# mdoc's `.Ex -std` says only "exits 0 on success, and >0 if an error occurs" (in English on the Russian
# pages too): each page lists the statuses instead, as the program's --help words them (one list each, in
# RentalCtl.swift and Rentald.swift), in the page's language.
statuses() { LANG=$2 LC_ALL= LC_MESSAGES= COLUMNS=1000 "$1" --help | grep -o "$3 [^.]*\." | cut -d' ' -f3-; }
escaped() { printf '%s' "$1" | perl -CS -pe 's/([^\x00-\x7F])/sprintf("\\[u%04X]", ord($1))/ge'; }
english=$(statuses "$rentalctl" C.UTF-8 "Exit status:")
russian=$(escaped "$(statuses "$rentalctl" ru_RU.UTF-8 "Коды выхода:")")
daemon=$(statuses "$rentald" C.UTF-8 "Exit status:")
heading=$(escaped "КОДЫ ВЫХОДА")
[[ $english == 0* && $russian == 0* && $daemon == 0* ]] || { echo "manuals.sh: no exit statuses in --help" >&2; exit 1; }
# "0 done; 64 bad arguments …; 77 not allowed." (Russian "0 — готово; …") as an mdoc list, a status a line.
cat >"$work/statuses.pl" <<'PERL'
s{^\.Sh "EXIT STATUS"$}{.Sh "$ENV{HEADING}"};
s{^\.Ex -std.*$}{
    my @items = map { /^(\d+)\s*(?:\\\[u2014\])?\s*(.*)$/ ? ".It $1\n$2" : $_ } split /; /, $ENV{STATUSES} =~ s/\.$//r;
    join "\n", ".Bl -tag -width 4n -compact", @items, ".El"
}e;
PERL
STATUSES=$daemon HEADING="EXIT STATUS" perl -pi "$work/statuses.pl" "$out"/man8/rentald.8
STATUSES=$english HEADING="EXIT STATUS" perl -pi "$work/statuses.pl" "$out"/man1/*.1
STATUSES=$russian HEADING=$heading perl -pi "$work/statuses.pl" "$out"/ru/man1/*.1
