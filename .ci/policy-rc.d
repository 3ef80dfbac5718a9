#!/bin/sh
# .ci/run points invoke-rc.d here (POLICYRCD) while apt-get installs docker.io,
# containerd and podman: no package may start its daemon on the CI machine (a
# default dockerd would make a docker0 bridge on a private range).  The tests
# start their own daemons with private state, and stop them.
exit 101
