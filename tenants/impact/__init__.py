"""Impact: the foundation's versioned instruments, measurements at T0/T1/Tend, scores, the tenant's
impact dashboard and municipality reports."""
