/* azaudio._cbridge's event callback: the library's I/O thread calls cbridge_on_event for every event of a callback
 * session, with the session's Deliverer as user_data (see _cbridge.c). */
#include "_cbridge.h"

/* A thread Python did not start has no thread state of its own: PyGILState_Ensure/Release would create and destroy
 * one for every event. On an I/O thread's first event one more hold is taken and never released, so the state lives
 * as long as the thread (the client's I/O thread, one per client). */
static _Thread_local int thread_state_kept;

/* A Deliverer: what a callback session's events go through (the user_data of on_event). The compiled form of
 * azaudio._event_bridge.event_deliver, with the same behaviour: for every event it wraps the borrowed C event in a
 * RealtimeEvent (fields read lazily) and calls on_event(event); sets `closed` on the CLOSED event; an event the
 * callback kept a reference to copies what it has not read (its _detach(True)) before on_event's return reaches the
 * library, and one nobody kept is dropped at once (holding the GIL from the reference count's check to the drop, no
 * other thread can reach it meanwhile, even through a weak reference). The first exception (from on_event, or
 * anything else) goes to failed(session, error), and no further event reaches on_event. */
typedef struct {
    PyObject ob_base; /* PyObject_HEAD */
    PyObject *on_event;
    PyObject *lock;
    PyObject *closed;
    PyObject *failed;
    PyObject *types;       /* {int: EventType member} */
    PyObject *event_class; /* RealtimeEvent */
    PyObject *type_enum;   /* EventType, for a kind `types` does not have */
    long closed_kind;
    int stopped;
} Deliverer;

static int deliverer_traverse(PyObject *self, visitproc visit, void *arg) {
    Deliverer *d = (Deliverer *)self;
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(d->on_event);
    Py_VISIT(d->lock);
    Py_VISIT(d->closed);
    Py_VISIT(d->failed);
    Py_VISIT(d->types);
    Py_VISIT(d->event_class);
    Py_VISIT(d->type_enum);
    return 0;
}

static int deliverer_clear(PyObject *self) {
    Deliverer *d = (Deliverer *)self;
    Py_CLEAR(d->on_event);
    Py_CLEAR(d->lock);
    Py_CLEAR(d->closed);
    Py_CLEAR(d->failed);
    Py_CLEAR(d->types);
    Py_CLEAR(d->event_class);
    Py_CLEAR(d->type_enum);
    return 0;
}

static void deliverer_dealloc(PyObject *self) { cbridge_gc_dealloc(self, deliverer_clear); }

static PyObject *deliverer_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
    PyObject *given[7] = {NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    long closed_kind = 0;
    if (kwargs != NULL && PyDict_Size(kwargs) > 0) {
        PyErr_SetString(PyExc_TypeError, "Deliverer() takes no keyword arguments");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "OOOOO!OOl:Deliverer", &given[0], &given[1], &given[2], &given[3], &PyDict_Type,
                          &given[4], &given[5], &given[6], &closed_kind)) {
        return NULL;
    }
    if (!PyType_Check(given[5])) {
        PyErr_SetString(PyExc_TypeError, "Deliverer(): event_class must be a class");
        return NULL;
    }
    allocfunc alloc = (allocfunc)PyType_GetSlot(type, Py_tp_alloc);
    Deliverer *d = (Deliverer *)alloc(type, 0);
    if (d == NULL) {
        return NULL;
    }
    PyObject **fields[7] = {&d->on_event, &d->lock, &d->closed, &d->failed, &d->types, &d->event_class, &d->type_enum};
    for (int i = 0; i < 7; i++) {
        Py_INCREF(given[i]);
        *fields[i] = given[i];
    }
    d->closed_kind = closed_kind;
    d->stopped = 0;
    return (PyObject *)d;
}

static PyType_Slot deliverer_slots[] = {
    {Py_tp_new, (void *)deliverer_new},
    {Py_tp_dealloc, (void *)deliverer_dealloc},
    {Py_tp_traverse, (void *)deliverer_traverse},
    {Py_tp_clear, (void *)deliverer_clear},
    {Py_tp_doc, (void *)"Deliverer(on_event, lock, closed, failed, types, event_class, type_enum, closed_kind): a "
                        "callback session's event delivery; pass its id() as the event callback's user_data."},
    {0, NULL},
};

PyType_Spec cbridge_deliverer_spec = {
    "azaudio._cbridge.Deliverer", sizeof(Deliverer), 0, Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC, deliverer_slots,
};

/* The RealtimeEvent wrapping the borrowed C event, as event_deliver makes it; NULL with a Python error. */
static PyObject *wrap_event(Deliverer *d, const void *event, long kind) {
    PyObject *kind_int = PyLong_FromLong(kind);
    if (kind_int == NULL) {
        return NULL;
    }
    PyObject *member = PyDict_GetItemWithError(d->types, kind_int); /* borrowed */
    if (member != NULL) {
        Py_INCREF(member);
    } else if (!PyErr_Occurred()) {
        member = PyObject_CallFunctionObjArgs(d->type_enum, kind_int, NULL);
    }
    Py_DECREF(kind_int);
    if (member == NULL) {
        return NULL;
    }
    PyObject *wrapped = PyType_GenericAlloc((PyTypeObject *)d->event_class, 0);
    PyObject *event_int = PyLong_FromVoidPtr((void *)event);
    PyObject *reader = PyLong_FromUnsignedLong(PyThread_get_thread_ident());
    PyObject *values = PyDict_New();
    int ok = wrapped != NULL && event_int != NULL && reader != NULL && values != NULL &&
             PyObject_SetAttr(wrapped, name_event, event_int) == 0 &&
             PyObject_SetAttr(wrapped, name_lock, d->lock) == 0 &&
             PyObject_SetAttr(wrapped, name_reader, reader) == 0 &&
             PyObject_SetAttr(wrapped, name_values, values) == 0 && PyObject_SetAttr(wrapped, name_type, member) == 0;
    Py_XDECREF(values);
    Py_XDECREF(reader);
    Py_XDECREF(event_int);
    Py_DECREF(member);
    if (!ok) {
        Py_XDECREF(wrapped);
        return NULL;
    }
    return wrapped;
}

/* The pending exception goes to failed(session, error) and on_event gets no further event. */
static void delivery_failed(Deliverer *d, void *session) {
    PyObject *type = NULL, *value = NULL, *traceback = NULL;
    PyErr_Fetch(&type, &value, &traceback);
    PyErr_NormalizeException(&type, &value, &traceback);
    if (value != NULL && traceback != NULL) {
        (void)PyException_SetTraceback(value, traceback);
    }
    d->stopped = 1;
    PyObject *session_int = session != NULL ? PyLong_FromVoidPtr(session) : Py_None;
    if (session == NULL) {
        Py_INCREF(Py_None);
    }
    if (session_int != NULL && value != NULL) {
        PyObject *result = PyObject_CallFunctionObjArgs(d->failed, session_int, value, NULL);
        Py_XDECREF(result);
    }
    if (PyErr_Occurred()) {
        PyErr_WriteUnraisable(d->failed);
    }
    Py_XDECREF(session_int);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(traceback);
}

static void deliver(Deliverer *d, void *session, const void *event, long kind) {
    if (d->on_event == NULL) { /* cleared by the garbage collector (its session is gone): nothing to call */
        return;
    }
    if (kind == d->closed_kind) {
        PyObject *done = PyObject_CallMethodObjArgs(d->closed, name_set, NULL);
        if (done == NULL) {
            delivery_failed(d, session);
            return;
        }
        Py_DECREF(done);
    }
    if (d->stopped) {
        return;
    }
    PyObject *wrapped = wrap_event(d, event, kind);
    if (wrapped == NULL) {
        delivery_failed(d, session);
        return;
    }
    Py_ssize_t before = Py_REFCNT(wrapped);
    PyObject *result = PyObject_CallFunctionObjArgs(d->on_event, wrapped, NULL);
    int kept = result == NULL || Py_REFCNT(wrapped) > before;
    Py_XDECREF(result);
    if (kept) { /* referenced elsewhere: copy what was not read, then let go of the C event */
        PyObject *type = NULL, *value = NULL, *traceback = NULL;
        PyErr_Fetch(&type, &value, &traceback); /* on_event's exception, if any, waits for the copy */
        PyObject *detached = PyObject_CallMethodObjArgs(wrapped, name_detach, Py_True, NULL);
        if (detached != NULL) {
            Py_DECREF(detached);
            PyErr_Restore(type, value, traceback);
        } else { /* the copy's own error replaces on_event's, as an exception in a `finally` does */
            Py_XDECREF(type);
            Py_XDECREF(value);
            Py_XDECREF(traceback);
        }
    }
    Py_DECREF(wrapped); /* not kept: the last reference, so the event is gone before the C event is */
    if (PyErr_Occurred()) {
        delivery_failed(d, session);
    }
}

void cbridge_on_event(void *session, const void *event, void *user_data) {
    if (event == NULL || user_data == NULL) {
        return;
    }
    PyGILState_STATE state = PyGILState_Ensure();
    if (!thread_state_kept) {
        (void)PyGILState_Ensure();
        thread_state_kept = 1;
    }
    deliver((Deliverer *)user_data, session, event, (long)cbridge_event_type(event));
    if (PyErr_Occurred()) { /* delivery_failed reports what failed() raised; nothing should be left */
        PyErr_WriteUnraisable((PyObject *)user_data);
    }
    PyGILState_Release(state);
}
