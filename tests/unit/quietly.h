/* For unit tests that drive a live session through commands: run one
 * with standard output (ours and the spawned tracee's, which inherits
 * it) on /dev/null, so that nothing mixes with the TAP lines. */
#ifndef LAYOUTDBG_TEST_QUIETLY_H
#define LAYOUTDBG_TEST_QUIETLY_H

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "layoutdbg/cmdtable.h"
#include "layoutdbg/session.h"

static int quietly_in(struct ld_session *s, const char *cmd)
{
	int saved, null, r;

	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	null = open("/dev/null", O_WRONLY);
	if (saved < 0 || null < 0)
		return LD_CMD_FAIL;
	dup2(null, STDOUT_FILENO);
	close(null);
	r = ld_execute(s, cmd);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	return r;
}

#endif
