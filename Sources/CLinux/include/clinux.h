/* Swift's view of the Linux calls its Glibc module lacks: eventfd (the event loop's wakeups) and thread naming.
   epoll joins them when WebSocketConnection.swift imports this module (it takes the EPOLL* bits through CCurl until
   the realtime session restructuring lands; a header included by both modules would be visible through neither). */
#ifndef CLINUX_H
#define CLINUX_H
#include <sys/eventfd.h>

/* Names the calling thread (at most 15 characters are kept), for debuggers and top. */
void clinux_set_thread_name(const char *name);

#endif
