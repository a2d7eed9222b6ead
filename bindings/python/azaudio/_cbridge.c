/* azaudio._cbridge: the optional compiled half of the realtime hot paths (issue 15). Internal.
 *
 * Against the CPython limited API (one abi3 build serves every Python the package supports). It does not link
 * libazaudio: azaudio._fast hands it, once, the addresses of the library functions it calls (taken with ctypes
 * from the library the package already loaded), so which library is used stays _native's choice. Each part does
 * what the Python (ctypes) path does, step for step; the realtime suites run both ways.
 *
 * - callback_address(): cbridge_on_event (_cbridge_deliver.c), the azaudio_realtime_event_fn the library calls on
 *   its I/O thread. Its user_data is the session's Deliverer (kept alive by the session object until destroy()
 *   returned); it takes the GIL, wraps the event in a RealtimeEvent and calls the session's on_event with it
 *   directly: no Python frame between the library and the user's callback (the compiled form of
 *   azaudio._event_bridge.event_deliver). An exception goes to the session; should something still escape, it is
 *   reported as unraisable, as ctypes does.
 * - LazyField (_cbridge_field.c): RealtimeEvent's fields, read on first access (azaudio._events._Field.__get__).
 * - LazyField with a span index: a batch event's audio and json_bytes (azaudio._event_batch._Span.__get__).
 * - send_audio_method(...) (_cbridge_send.c): RealtimeSending.send_audio as a C method of the Python class.
 * - owned_finalizer(...) (_cbridge_send.c): _OwnedEvent.__del__ as a C method (a pulled event frees its C event).
 * - take_events(...) (_cbridge_batch.c): a pull session's batch taken and wrapped in one call.
 * - send_audio(session, data): azaudio_realtime_send_audio of a bytes object, with the GIL released during the call,
 *   as a ctypes call does. Returns the result code.
 * - event_json(event) / event_audio(event): a live event's JSON and audio as bytes, the readers of RealtimeEvent's
 *   json_bytes and audio (called with the GIL held, as the ctypes accessors of _native.event_lib are). */
#include "_cbridge.h"

event_type_fn cbridge_event_type;
send_audio_fn cbridge_send_audio_call;
event_free_fn cbridge_event_free;
take_events_fn cbridge_take_events_call;
static event_json_fn event_json;
static event_json_data_fn event_json_data; /* NULL: a library without azaudio_realtime_event_json_data */
static event_audio_fn event_audio;

PyObject *name_type, *name_event, *name_lock, *name_reader, *name_values, *name_set, *name_detach, *name_handle,
    *name_pending, *name_acquire, *name_release;

void cbridge_gc_dealloc(PyObject *self, inquiry clear) {
    PyTypeObject *type = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    (void)clear(self);
    freefunc release = (freefunc)PyType_GetSlot(type, Py_tp_free);
    release(self);
    Py_DECREF(type); /* (an instance of a heap type holds a reference to its type) */
}

int cbridge_send_bytes(PyObject *session_int, PyObject *data, int32_t *code) {
    if (cbridge_send_audio_call == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "azaudio._cbridge is not initialised");
        return -1;
    }
    void *session = PyLong_AsVoidPtr(session_int);
    if (session == NULL && PyErr_Occurred()) {
        return -1;
    }
    char *bytes = NULL;
    Py_ssize_t size = 0;
    if (PyBytes_AsStringAndSize(data, &bytes, &size) < 0) {
        return -1;
    }
    /* `data` is held by the caller for the whole call, and bytes do not change. */
    PyThreadState *saved = PyEval_SaveThread();
    *code = cbridge_send_audio_call(session, bytes, (size_t)size);
    PyEval_RestoreThread(saved);
    return 0;
}

static PyObject *cbridge_send_audio(PyObject *module, PyObject *const *args, Py_ssize_t count) {
    (void)module;
    if (count != 2) {
        PyErr_SetString(PyExc_TypeError, "send_audio(session, data) takes 2 arguments");
        return NULL;
    }
    int32_t code = 0;
    if (cbridge_send_bytes(args[0], args[1], &code) < 0) {
        return NULL;
    }
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
    if (event_json_data != NULL) { /* the received bytes, copied once (no C string made first) */
        size_t size = 0;
        const char *data = event_json_data(event, &size);
        if (data == NULL) {
            Py_RETURN_NONE;
        }
        if (size > (size_t)PY_SSIZE_T_MAX) {
            PyErr_SetString(PyExc_OverflowError, "the event's JSON is too large");
            return NULL;
        }
        return PyBytes_FromStringAndSize(data, (Py_ssize_t)size);
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
                                          "azaudio_realtime_send_audio, azaudio_realtime_event_json, "
                                          "azaudio_realtime_event_audio and azaudio_realtime_event_free");
    }
    return *out == NULL ? -1 : 0;
}

static PyObject *cbridge_init(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *given[5] = {NULL, NULL, NULL, NULL, NULL};
    PyObject *take = NULL, *json_data = NULL;
    if (!PyArg_ParseTuple(args, "OOOOOOO:init", &given[0], &given[1], &given[2], &given[3], &given[4], &take,
                          &json_data)) {
        return NULL;
    }
    void *take_events = PyLong_AsVoidPtr(take); /* 0: a library without azaudio_realtime_take_events */
    if (take_events == NULL && PyErr_Occurred()) {
        return NULL;
    }
    void *json_data_address = PyLong_AsVoidPtr(json_data); /* 0: a library without azaudio_realtime_event_json_data */
    if (json_data_address == NULL && PyErr_Occurred()) {
        return NULL;
    }
    void *pointers[5] = {NULL, NULL, NULL, NULL, NULL};
    for (int i = 0; i < 5; i++) {
        if (address_of(given[i], &pointers[i]) < 0) {
            return NULL;
        }
    }
    cbridge_event_type = (event_type_fn)pointers[0];
    cbridge_send_audio_call = (send_audio_fn)pointers[1];
    event_json = (event_json_fn)pointers[2];
    event_audio = (event_audio_fn)pointers[3];
    cbridge_event_free = (event_free_fn)pointers[4];
    cbridge_take_events_call = (take_events_fn)take_events;
    event_json_data = (event_json_data_fn)json_data_address;
    Py_RETURN_NONE;
}

static PyObject *cbridge_callback_address(PyObject *module, PyObject *unused) {
    (void)module;
    (void)unused;
    return PyLong_FromVoidPtr((void *)&cbridge_on_event);
}

static PyMethodDef methods[] = {
    {"init", cbridge_init, METH_VARARGS,
     "init(event_type, send_audio, event_json, event_audio, event_free, take_events or 0, event_json_data or 0): "
     "the library functions' addresses."},
    {"record_size", cbridge_record_size, METH_NOARGS, "sizeof(azaudio_realtime_event_record) as compiled here."},
    {"take_events", cbridge_take_events, METH_VARARGS,
     "take_events(session, records, record_size, capacity, timeout_ms, cls, types, type_enum) -> (code, events)."},
    {"owned_finalizer", cbridge_owned_finalizer, METH_O,
     "owned_finalizer(owner): owner.__del__ for pulled events (frees the C event it owns), as a C method."},
    {"event_json", cbridge_event_json, METH_O, "event_json(event) -> bytes | None: the live event's JSON."},
    {"event_audio", cbridge_event_audio, METH_O, "event_audio(event) -> bytes: the live event's audio."},
    {"callback_address", cbridge_callback_address, METH_NOARGS,
     "The address of the azaudio_realtime_event_fn to register; its user_data is a Deliverer."},
    {"send_audio_method", cbridge_send_audio_method, METH_VARARGS,
     "send_audio_method(owner, send_audio, raise_code): owner.send_audio as a C method descriptor (once)."},
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

static int intern_names(void) {
    struct {
        PyObject **slot;
        const char *text;
    } names[] = {
        {&name_type, "type"},        {&name_event, "_event"},    {&name_lock, "_lock"},      {&name_reader, "_reader"},
        {&name_values, "_values"},   {&name_set, "set"},         {&name_detach, "_detach"},  {&name_handle, "_handle"},
        {&name_pending, "_pending"}, {&name_acquire, "acquire"}, {&name_release, "release"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (*names[i].slot == NULL && (*names[i].slot = PyUnicode_InternFromString(names[i].text)) == NULL) {
            return -1;
        }
    }
    return 0;
}

PyMODINIT_FUNC PyInit__cbridge(void) {
    if (intern_names() < 0) {
        return NULL;
    }
    PyObject *module = PyModule_Create(&module_definition);
    if (module == NULL) {
        return NULL;
    }
    PyObject *deliverer_type = PyType_FromSpec(&cbridge_deliverer_spec);
    if (deliverer_type == NULL || PyModule_AddObject(module, "Deliverer", deliverer_type) < 0) {
        Py_XDECREF(deliverer_type);
        Py_DECREF(module);
        return NULL;
    }
    PyObject *lazy_type = PyType_FromSpec(&cbridge_lazy_field_spec);
    if (lazy_type == NULL || PyModule_AddObject(module, "LazyField", lazy_type) < 0) {
        Py_XDECREF(lazy_type);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
