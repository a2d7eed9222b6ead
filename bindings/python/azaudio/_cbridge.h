/* Declarations shared by the compiled bridge's files (azaudio._cbridge; see _cbridge.c). Internal. */
#ifndef AZAUDIO_CBRIDGE_H
#define AZAUDIO_CBRIDGE_H

#ifndef Py_LIMITED_API
#define Py_LIMITED_API 0x030A0000
#endif
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stddef.h>
#include <stdint.h>

#define CBRIDGE_HIDDEN __attribute__((visibility("hidden")))

typedef int32_t (*event_type_fn)(const void *event);
typedef int32_t (*send_audio_fn)(void *session, const void *audio, size_t size);
typedef const char *(*event_json_fn)(const void *event);
typedef const char *(*event_json_data_fn)(const void *event, size_t *size);
typedef const uint8_t *(*event_audio_fn)(const void *event, size_t *size);
typedef void (*event_free_fn)(void *event);
typedef int32_t (*take_events_fn)(void *session, void *records, size_t record_size, size_t capacity, size_t *out_count,
                                  int32_t timeout_ms);

/* The library functions, from init() (_cbridge.c). */
CBRIDGE_HIDDEN extern event_type_fn cbridge_event_type;
CBRIDGE_HIDDEN extern send_audio_fn cbridge_send_audio_call;
CBRIDGE_HIDDEN extern event_free_fn cbridge_event_free;
CBRIDGE_HIDDEN extern take_events_fn cbridge_take_events_call; /* NULL when the library has none */

/* Interned attribute and method names, made by the module's init (_cbridge.c). */
CBRIDGE_HIDDEN extern PyObject *name_type, *name_event, *name_lock, *name_reader, *name_values, *name_set, *name_detach,
    *name_handle, *name_pending, *name_acquire, *name_release;

/* _cbridge.c: the tp_dealloc of the bridge's garbage-collected heap types: untracks, clears with `clear`, frees. */
CBRIDGE_HIDDEN void cbridge_gc_dealloc(PyObject *self, inquiry clear);
/* _cbridge.c: sends bytes to the session an integer addresses, the GIL released around the library call only:
 * 0 with *code set to the library's result, or -1 with a Python error. */
CBRIDGE_HIDDEN int cbridge_send_bytes(PyObject *session_int, PyObject *data, int32_t *code);

/* _cbridge_deliver.c: the event callback and its user_data type. */
CBRIDGE_HIDDEN extern PyType_Spec cbridge_deliverer_spec;
CBRIDGE_HIDDEN void cbridge_on_event(void *session, const void *event, void *user_data);

/* _cbridge_field.c: RealtimeEvent's fields. */
CBRIDGE_HIDDEN extern PyType_Spec cbridge_lazy_field_spec;

/* _cbridge_send.c: send_audio_method(owner, send_audio, raise_code). */
CBRIDGE_HIDDEN PyObject *cbridge_send_audio_method(PyObject *module, PyObject *args);
/* _cbridge_batch.c: record_size() and take_events(...). */
CBRIDGE_HIDDEN PyObject *cbridge_record_size(PyObject *module, PyObject *unused);
CBRIDGE_HIDDEN PyObject *cbridge_take_events(PyObject *module, PyObject *args);
/* _cbridge_send.c: owned_finalizer(owner). */
CBRIDGE_HIDDEN PyObject *cbridge_owned_finalizer(PyObject *module, PyObject *owner);

#endif
