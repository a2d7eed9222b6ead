/* Swift's view of the Linux calls its Glibc module lacks: epoll and eventfd (the event loop) and thread naming. */
#ifndef CLINUX_H
#define CLINUX_H
#include <sys/epoll.h>
#include <sys/eventfd.h>

/* Names the calling thread (at most 15 characters are kept), for debuggers and top. */
void clinux_set_thread_name(const char *name);

#endif
