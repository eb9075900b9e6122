#!/usr/bin/env bash
# The last step of `make run`: web, worker and beat under honcho until Ctrl-C.
#
# From a terminal, honcho runs as a job of its own (job control, `set -m`): it is the
# terminal's foreground process group, so Ctrl-C reaches honcho, which stops all three,
# and not make, which would report "Interrupt" or "Error 130". honcho's exit on SIGINT
# or SIGTERM (130, 143) is the normal way out: this ends with 0. Without a terminal
# every process stays in make's group, so a signal sent to the group reaches them all.
[ -t 0 ] && set -m
trap : INT TERM
"$@"
status=$?
case $status in
  0|130|143) exit 0 ;;
  *) exit "$status" ;;
esac
