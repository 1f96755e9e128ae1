"""Tests of the download lifecycle: the state machine and the monitor."""
