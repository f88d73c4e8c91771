"""The suggestions page: the ready volunteers ranked for a waiting family, and proposing one."""
