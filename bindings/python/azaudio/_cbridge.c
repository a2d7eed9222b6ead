/* azaudio._cbridge: the optional compiled half of the realtime callback path (issue 15). Internal.
 *
 * Against the CPython limited API (one abi3 build serves every Python the package supports). It does not link
 * libazaudio: azaudio._fast hands it, once, the addresses of the two library functions it calls (taken with ctypes
 * from the library the package already loaded), so which library is used stays _native's choice.
 *
 * - on_event: the azaudio_realtime_event_fn the library calls on its I/O thread. Its user_data is the session's
 *   Python deliver function (kept alive by the session object until destroy() returned); it takes the GIL, reads the
 *   event's type and calls deliver(session, event, type) with plain ints. deliver never raises (it hands every
 *   exception to the session); should something still escape, it is reported as unraisable, as ctypes does.
 * - send_audio(session, data): azaudio_realtime_send_audio of a bytes object, with the GIL released during the call,
 *   as a ctypes call does. Returns the result code.
 * - event_json(event) / event_audio(event): a live event's JSON and audio as bytes, the readers of RealtimeEvent's
 *   json_bytes and audio (called with the GIL held, as the ctypes accessors of _native.event_lib are).
 */
#ifndef Py_LIMITED_API
#define Py_LIMITED_API 0x030A0000
#endif
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stddef.h>
#include <stdint.h>

typedef int32_t (*event_type_fn)(const void *event);
typedef int32_t (*send_audio_fn)(void *session, const void *audio, size_t size);
typedef const char *(*event_json_fn)(const void *event);
typedef const uint8_t *(*event_audio_fn)(const void *event, size_t *size);

static event_type_fn event_type;
static send_audio_fn send_audio_call;
static event_json_fn event_json;
static event_audio_fn event_audio;

/* A thread Python did not start has no thread state of its own: PyGILState_Ensure/Release would create and destroy
 * one for every event. On an I/O thread's first event one more hold is taken and never released, so the state lives
 * as long as the thread (the client's I/O thread, one per client). */
static _Thread_local int thread_state_kept;

static void on_event(void *session, const void *event, void *user_data) {
    if (event == NULL || user_data == NULL) {
        return;
    }
    PyGILState_STATE state = PyGILState_Ensure();
    if (!thread_state_kept) {
        (void)PyGILState_Ensure();
        thread_state_kept = 1;
    }
    PyObject *session_int = PyLong_FromVoidPtr(session);
    PyObject *event_int = PyLong_FromVoidPtr((void *)event);
    PyObject *kind = PyLong_FromLong((long)event_type(event));
    if (session_int != NULL && event_int != NULL && kind != NULL) {
        PyObject *result = PyObject_CallFunctionObjArgs((PyObject *)user_data, session_int, event_int, kind, NULL);
        Py_XDECREF(result);
    }
    if (PyErr_Occurred()) {
        PyErr_WriteUnraisable((PyObject *)user_data);
    }
    Py_XDECREF(kind);
    Py_XDECREF(event_int);
    Py_XDECREF(session_int);
    PyGILState_Release(state);
}

static PyObject *cbridge_send_audio(PyObject *module, PyObject *const *args, Py_ssize_t count) {
    (void)module;
    if (count != 2) {
        PyErr_SetString(PyExc_TypeError, "send_audio(session, data) takes 2 arguments");
        return NULL;
    }
    if (send_audio_call == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "azaudio._cbridge is not initialised");
        return NULL;
    }
    void *session = PyLong_AsVoidPtr(args[0]);
    if (session == NULL && PyErr_Occurred()) {
        return NULL;
    }
    char *data = NULL;
    Py_ssize_t size = 0;
    if (PyBytes_AsStringAndSize(args[1], &data, &size) < 0) {
        return NULL;
    }
    /* args[1] is held by the caller for the whole call, and bytes do not change. */
    PyThreadState *saved = PyEval_SaveThread();
    int32_t code = send_audio_call(session, data, (size_t)size);
    PyEval_RestoreThread(saved);
    return PyLong_FromLong((long)code);
}

/* The readers of a live event's JSON and audio (RealtimeEvent's json_bytes and audio): bytes, or None for none. */

/* The event an integer addresses: 1 and *out set; 0 for address 0 (None); -1 with a Python error. */
static int event_at(PyObject *event_int, void **out) {
    *out = PyLong_AsVoidPtr(event_int);
    if (*out == NULL) {
        return PyErr_Occurred() ? -1 : 0;
    }
    return 1;
}

static PyObject *cbridge_event_json(PyObject *module, PyObject *event_int) {
    (void)module;
    void *event = NULL;
    int found = event_at(event_int, &event);
    if (found <= 0) {
        if (found < 0) {
            return NULL;
        }
        Py_RETURN_NONE;
    }
    const char *json = event_json(event);
    if (json == NULL) {
        Py_RETURN_NONE;
    }
    return PyBytes_FromString(json);
}

static PyObject *cbridge_event_audio(PyObject *module, PyObject *event_int) {
    (void)module;
    void *event = NULL;
    int found = event_at(event_int, &event);
    if (found <= 0) {
        if (found < 0) {
            return NULL;
        }
        Py_RETURN_NONE;
    }
    size_t size = 0;
    const uint8_t *audio = event_audio(event, &size);
    if (audio == NULL || size == 0) {
        return PyBytes_FromStringAndSize("", 0);
    }
    if (size > (size_t)PY_SSIZE_T_MAX) {
        PyErr_SetString(PyExc_OverflowError, "the event's audio is too large");
        return NULL;
    }
    return PyBytes_FromStringAndSize((const char *)audio, (Py_ssize_t)size);
}

static int address_of(PyObject *value, void **out) {
    *out = PyLong_AsVoidPtr(value);
    if (*out == NULL && !PyErr_Occurred()) {
        PyErr_SetString(PyExc_ValueError, "init() needs the addresses of azaudio_realtime_event_type, "
                                          "azaudio_realtime_send_audio, azaudio_realtime_event_json and "
                                          "azaudio_realtime_event_audio");
    }
    return *out == NULL ? -1 : 0;
}

static PyObject *cbridge_init(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *given[4] = {NULL, NULL, NULL, NULL};
    if (!PyArg_ParseTuple(args, "OOOO:init", &given[0], &given[1], &given[2], &given[3])) {
        return NULL;
    }
    void *pointers[4] = {NULL, NULL, NULL, NULL};
    for (int i = 0; i < 4; i++) {
        if (address_of(given[i], &pointers[i]) < 0) {
            return NULL;
        }
    }
    event_type = (event_type_fn)pointers[0];
    send_audio_call = (send_audio_fn)pointers[1];
    event_json = (event_json_fn)pointers[2];
    event_audio = (event_audio_fn)pointers[3];
    Py_RETURN_NONE;
}

static PyObject *cbridge_callback_address(PyObject *module, PyObject *unused) {
    (void)module;
    (void)unused;
    return PyLong_FromVoidPtr((void *)&on_event);
}

static PyMethodDef methods[] = {
    {"init", cbridge_init, METH_VARARGS,
     "init(event_type, send_audio, event_json, event_audio): the library functions' addresses, as integers."},
    {"event_json", cbridge_event_json, METH_O, "event_json(event) -> bytes | None: the live event's JSON."},
    {"event_audio", cbridge_event_audio, METH_O, "event_audio(event) -> bytes: the live event's audio."},
    {"callback_address", cbridge_callback_address, METH_NOARGS,
     "The address of the azaudio_realtime_event_fn to register; its user_data is the deliver function."},
    {"send_audio", (PyCFunction)(void (*)(void))cbridge_send_audio, METH_FASTCALL,
     "send_audio(session, data: bytes) -> int: azaudio_realtime_send_audio's result code."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_definition = {
    PyModuleDef_HEAD_INIT,
    "azaudio._cbridge",
    "The compiled realtime callback bridge (internal).",
    -1,
    methods,
    NULL,
    NULL,
    NULL,
    NULL,
};

PyMODINIT_FUNC PyInit__cbridge(void) { return PyModule_Create(&module_definition); }
