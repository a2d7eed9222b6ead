/* azaudio._cbridge.take_events: a pull session's batch taken and wrapped in one call (azaudio._event_batch's
 * EventBatches.take and _wrap, step for step; see _cbridge.c). */
#include "_cbridge.h"

/* azaudio_realtime_event_record as include/azaudio.h lays it out; the binding checks that its size is the ctypes
 * record's (record_size()) before it uses take_events. */
typedef struct {
    void *event;
    int32_t type;
    const uint8_t *audio;
    size_t audio_size;
    const char *json;
    size_t json_size;
} cbridge_record;

PyObject *cbridge_record_size(PyObject *module, PyObject *unused) {
    (void)module;
    (void)unused;
    return PyLong_FromSize_t(sizeof(cbridge_record));
}

static PyObject *name_spans_batch;

/* One record as a batch event (the class given, a subclass of _OwnedEvent); NULL with an error. */
static PyObject *wrap_record(const cbridge_record *record, PyObject *cls, PyObject *types, PyObject *type_enum) {
    PyObject *kind = PyLong_FromLong((long)record->type);
    if (kind == NULL) {
        return NULL;
    }
    PyObject *member = PyDict_GetItemWithError(types, kind); /* borrowed */
    if (member != NULL) {
        Py_INCREF(member);
    } else if (!PyErr_Occurred()) {
        member = PyObject_CallFunctionObjArgs(type_enum, kind, NULL);
    }
    Py_DECREF(kind);
    if (member == NULL) {
        return NULL;
    }
    PyObject *wrapped = PyType_GenericAlloc((PyTypeObject *)cls, 0);
    PyObject *event = PyLong_FromVoidPtr(record->event);
    PyObject *values = PyDict_New();
    PyObject *spans = Py_BuildValue("(NnNn)", PyLong_FromVoidPtr((void *)record->audio), (Py_ssize_t)record->audio_size,
                                    PyLong_FromVoidPtr((void *)record->json), (Py_ssize_t)record->json_size);
    int ok = wrapped != NULL && event != NULL && values != NULL && spans != NULL &&
             PyObject_SetAttr(wrapped, name_event, event) == 0 && PyObject_SetAttr(wrapped, name_lock, Py_None) == 0 &&
             PyObject_SetAttr(wrapped, name_values, values) == 0 &&
             PyObject_SetAttr(wrapped, name_spans_batch, spans) == 0 &&
             PyObject_SetAttr(wrapped, name_type, member) == 0;
    Py_XDECREF(spans);
    Py_XDECREF(values);
    Py_XDECREF(event);
    Py_DECREF(member);
    if (!ok) {
        if (wrapped != NULL) { /* it must not free the event (the caller does): it was not handed over */
            PyObject *type = NULL, *value = NULL, *traceback = NULL;
            PyErr_Fetch(&type, &value, &traceback);
            (void)PyObject_SetAttr(wrapped, name_event, Py_None);
            PyErr_Restore(type, value, traceback);
            Py_DECREF(wrapped);
        }
        return NULL;
    }
    return wrapped;
}

/* take_events(session, records, record_size, capacity, timeout_ms, cls, types, type_enum) -> (code, [events]):
 * azaudio_realtime_take_events into the records at address `records` (the GIL released meanwhile), then every
 * record taken as a `cls` event that owns its C event. Should wrapping fail, the events not wrapped are freed. */
PyObject *cbridge_take_events(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *session_int = NULL, *records_int = NULL, *cls = NULL, *types = NULL, *type_enum = NULL;
    Py_ssize_t record_size = 0, capacity = 0;
    int timeout_ms = 0;
    if (!PyArg_ParseTuple(args, "OOnniO!O!O:take_events", &session_int, &records_int, &record_size, &capacity,
                          &timeout_ms, &PyType_Type, &cls, &PyDict_Type, &types, &type_enum)) {
        return NULL;
    }
    if (cbridge_take_events_call == NULL || record_size != (Py_ssize_t)sizeof(cbridge_record) || capacity <= 0) {
        PyErr_SetString(PyExc_RuntimeError, "take_events: not available with this library or record size");
        return NULL;
    }
    if (name_spans_batch == NULL && (name_spans_batch = PyUnicode_InternFromString("_spans")) == NULL) {
        return NULL;
    }
    void *session = PyLong_AsVoidPtr(session_int);
    cbridge_record *records = PyLong_AsVoidPtr(records_int);
    if (PyErr_Occurred() || records == NULL) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_ValueError, "take_events: records is NULL");
        }
        return NULL;
    }
    size_t count = 0;
    PyThreadState *saved = PyEval_SaveThread();
    int32_t code =
        cbridge_take_events_call(session, records, (size_t)record_size, (size_t)capacity, &count, (int32_t)timeout_ms);
    PyEval_RestoreThread(saved);
    PyObject *taken = PyList_New(0);
    size_t done = 0;
    for (; taken != NULL && done < count; done++) {
        PyObject *wrapped = wrap_record(&records[done], cls, types, type_enum);
        if (wrapped == NULL || PyList_Append(taken, wrapped) < 0) {
            Py_XDECREF(wrapped);
            Py_CLEAR(taken);
            break;
        }
        Py_DECREF(wrapped);
    }
    if (taken == NULL) { /* the wrapped ones free theirs as they go; the rest are freed here */
        for (size_t i = done; i < count; i++) {
            cbridge_event_free(records[i].event);
        }
        return NULL;
    }
    return Py_BuildValue("(lN)", (long)code, taken);
}
