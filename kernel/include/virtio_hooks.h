/*
 * virtio_hooks.h: the kernel's side of the virtio console and balloon
 * drivers (virtio_hooks.c) that tests use.
 */
#ifndef VIRTIO_HOOKS_H
#define VIRTIO_HOOKS_H

#include <stdbool.h>

/* Is dev ("console", "balloon") a word of virtio= on the command line:
 * the device is there and its driver must bind? */
bool virtio_wanted(const char *dev);

#endif
