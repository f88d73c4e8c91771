"""Samen Oplopen platform: the shared base every tenant runs on."""
