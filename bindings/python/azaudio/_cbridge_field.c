/* azaudio._cbridge.LazyField: RealtimeEvent's fields read without a Python frame (see _cbridge.c). */
#include "_cbridge.h"

/* A LazyField: a field of RealtimeEvent read from the C event on first access and then kept in the event's
 * _values, the compiled form of azaudio._events._Field.__get__ (same steps, same lock rule: the callback's own
 * thread, or an event with no lock, reads without it; another thread reads under the event's lock, which the
 * callback's detach holds while it copies). `read(event_address)` gives the value, or None for `empty`; with
 * `decodes` the value is bytes whose UTF-8 text (invalid bytes replaced) is the field's.
 *
 * With a span index (a batch event's audio or json_bytes: azaudio._event_batch._Span.__get__) the value is copied
 * from the address and size at that index of the event's _spans, which live as long as the C event it owns. */
typedef struct {
    PyObject ob_base; /* PyObject_HEAD */
    PyObject *read;
    PyObject *empty;
    PyObject *name; /* set by __set_name__ */
    PyObject *doc;
    int decodes;
    Py_ssize_t span; /* -1: read through `read` */
} LazyField;

static PyObject *name_spans;

static int lazy_traverse(PyObject *self, visitproc visit, void *arg) {
    LazyField *f = (LazyField *)self;
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(f->read);
    Py_VISIT(f->empty);
    Py_VISIT(f->name);
    Py_VISIT(f->doc);
    return 0;
}

static int lazy_clear(PyObject *self) {
    LazyField *f = (LazyField *)self;
    Py_CLEAR(f->read);
    Py_CLEAR(f->empty);
    Py_CLEAR(f->name);
    Py_CLEAR(f->doc);
    return 0;
}

static void lazy_dealloc(PyObject *self) { cbridge_gc_dealloc(self, lazy_clear); }

static PyObject *lazy_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
    PyObject *read = NULL, *empty = NULL, *doc = NULL;
    int decodes = 0;
    Py_ssize_t span = -1;
    if (kwargs != NULL && PyDict_Size(kwargs) > 0) {
        PyErr_SetString(PyExc_TypeError, "LazyField() takes no keyword arguments");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "OOUp|n:LazyField", &read, &empty, &doc, &decodes, &span)) {
        return NULL;
    }
    allocfunc alloc = (allocfunc)PyType_GetSlot(type, Py_tp_alloc);
    LazyField *f = (LazyField *)alloc(type, 0);
    if (f == NULL) {
        return NULL;
    }
    Py_INCREF(read);
    Py_INCREF(empty);
    Py_INCREF(doc);
    f->read = read;
    f->empty = empty;
    f->doc = doc;
    f->name = PyUnicode_FromString("");
    f->decodes = decodes;
    f->span = span < 0 ? -1 : span;
    if (name_spans == NULL && (name_spans = PyUnicode_InternFromString("_spans")) == NULL) {
        Py_DECREF(f);
        return NULL;
    }
    if (f->name == NULL) {
        Py_DECREF(f);
        return NULL;
    }
    return (PyObject *)f;
}

/* read(event._event), or None when the event was let go of; a new reference, NULL with an error. */
static PyObject *lazy_read(LazyField *f, PyObject *event) {
    PyObject *pointer = PyObject_GetAttr(event, name_event);
    if (pointer == NULL) {
        return NULL;
    }
    int live = PyObject_IsTrue(pointer);
    PyObject *value = NULL;
    if (live > 0) {
        value = PyObject_CallFunctionObjArgs(f->read, pointer, NULL);
    } else if (live == 0) {
        Py_INCREF(Py_None);
        value = Py_None;
    }
    Py_DECREF(pointer);
    return value;
}

/* What a read gave, as the field's value: `empty` for None, the text of bytes for a decoding field. */
static PyObject *lazy_value(LazyField *f, PyObject *raw) {
    if (raw == Py_None) {
        Py_DECREF(raw);
        Py_INCREF(f->empty);
        return f->empty;
    }
    if (!f->decodes) {
        return raw;
    }
    PyObject *text = NULL;
    char *bytes = NULL;
    Py_ssize_t size = 0;
    if (PyBytes_Check(raw) && PyBytes_AsStringAndSize(raw, &bytes, &size) == 0) {
        text = PyUnicode_DecodeUTF8(bytes, size, "replace");
    } else if (!PyErr_Occurred()) {
        text = PyObject_CallMethod(raw, "decode", "ss", "utf-8", "replace");
    }
    Py_DECREF(raw);
    return text;
}

/* A batch event's span: the bytes at _spans[span] of size _spans[span + 1], b"" when none or let go of. */
static PyObject *span_read(LazyField *f, PyObject *event) {
    PyObject *spans = PyObject_GetAttr(event, name_spans);
    PyObject *pointer = spans != NULL ? PyObject_GetAttr(event, name_event) : NULL;
    PyObject *value = NULL;
    if (pointer != NULL) {
        PyObject *at = PySequence_GetItem(spans, f->span);
        PyObject *count = at != NULL ? PySequence_GetItem(spans, f->span + 1) : NULL;
        void *address = at != NULL ? PyLong_AsVoidPtr(at) : NULL;
        Py_ssize_t size = count != NULL ? PyLong_AsSsize_t(count) : -1;
        int live = PyErr_Occurred() ? -1 : PyObject_IsTrue(pointer);
        if (live >= 0 && !PyErr_Occurred()) {
            value = size > 0 && live && address != NULL ? PyBytes_FromStringAndSize((const char *)address, size)
                                                        : PyBytes_FromStringAndSize("", 0);
        }
        Py_XDECREF(count);
        Py_XDECREF(at);
        Py_DECREF(pointer);
    }
    Py_XDECREF(spans);
    return value;
}

static PyObject *lazy_get(PyObject *self, PyObject *event, PyObject *owner) {
    (void)owner;
    LazyField *f = (LazyField *)self;
    if (event == NULL || event == Py_None) {
        Py_INCREF(self);
        return self;
    }
    PyObject *values = PyObject_GetAttr(event, name_values);
    if (values == NULL) {
        return NULL;
    }
    PyObject *known = PyDict_GetItemWithError(values, f->name); /* borrowed */
    if (known != NULL || PyErr_Occurred()) {
        Py_XINCREF(known);
        Py_DECREF(values);
        return known;
    }
    if (f->span >= 0) {
        PyObject *copied = span_read(f, event);
        if (copied != NULL && PyDict_SetItem(values, f->name, copied) < 0) {
            Py_CLEAR(copied);
        }
        Py_DECREF(values);
        return copied;
    }
    PyObject *lock = PyObject_GetAttr(event, name_lock);
    PyObject *reader = lock != NULL && lock != Py_None ? PyObject_GetAttr(event, name_reader) : NULL;
    if (lock == NULL || (lock != Py_None && reader == NULL)) {
        Py_XDECREF(lock);
        Py_DECREF(values);
        return NULL;
    }
    PyObject *raw = NULL;
    int own_thread = lock == Py_None || PyLong_AsUnsignedLong(reader) == PyThread_get_thread_ident();
    PyErr_Clear(); /* a reader that is not a thread id: not this thread */
    if (own_thread) {
        raw = lazy_read(f, event);
    } else {
        PyObject *held = PyObject_CallMethodObjArgs(lock, name_acquire, NULL);
        if (held != NULL) {
            Py_DECREF(held);
            known = PyDict_GetItemWithError(values, f->name); /* copied by the detach that held the lock */
            if (known != NULL) {
                Py_INCREF(known);
            } else if (!PyErr_Occurred()) {
                raw = lazy_read(f, event);
            }
            PyObject *type = NULL, *error = NULL, *traceback = NULL;
            PyErr_Fetch(&type, &error, &traceback);
            PyObject *released = PyObject_CallMethodObjArgs(lock, name_release, NULL);
            Py_XDECREF(released);
            if (released != NULL) {
                PyErr_Restore(type, error, traceback);
            } else {
                Py_XDECREF(type);
                Py_XDECREF(error);
                Py_XDECREF(traceback);
            }
            if (known != NULL) {
                Py_XDECREF(raw);
                Py_XDECREF(reader);
                Py_DECREF(lock);
                Py_DECREF(values);
                if (PyErr_Occurred()) {
                    Py_DECREF(known);
                    return NULL;
                }
                return known;
            }
        }
    }
    Py_XDECREF(reader);
    Py_DECREF(lock);
    if (raw != NULL && PyErr_Occurred()) {
        Py_CLEAR(raw);
    }
    PyObject *value = raw != NULL ? lazy_value(f, raw) : NULL;
    if (value != NULL && PyDict_SetItem(values, f->name, value) < 0) {
        Py_CLEAR(value);
    }
    Py_DECREF(values);
    return value;
}

static PyObject *lazy_fetch(PyObject *self, PyObject *pointer) {
    LazyField *f = (LazyField *)self;
    PyObject *raw = PyObject_CallFunctionObjArgs(f->read, pointer, NULL);
    return raw != NULL ? lazy_value(f, raw) : NULL;
}

static PyObject *lazy_set_name(PyObject *self, PyObject *args) {
    LazyField *f = (LazyField *)self;
    PyObject *owner = NULL, *name = NULL;
    if (!PyArg_ParseTuple(args, "OU:__set_name__", &owner, &name)) {
        return NULL;
    }
    Py_INCREF(name);
    PyObject *old = f->name;
    f->name = name;
    Py_XDECREF(old);
    Py_RETURN_NONE;
}

static PyObject *lazy_attr(PyObject *self, void *which) {
    LazyField *f = (LazyField *)self;
    PyObject *value = NULL;
    switch ((intptr_t)which) {
    case 0:
        value = f->read;
        break;
    case 1:
        value = f->empty;
        break;
    case 2:
        value = f->name;
        break;
    case 3:
        value = f->doc;
        break;
    default:
        return PyBool_FromLong(f->decodes);
    }
    Py_INCREF(value);
    return value;
}

static PyMethodDef lazy_methods[] = {
    {"fetch", lazy_fetch, METH_O, "fetch(event): the field's value from the live C event at that address."},
    {"__set_name__", lazy_set_name, METH_VARARGS, "Takes the attribute's name as the key in the event's values."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef lazy_getset[] = {
    {"read", lazy_attr, NULL, "The reader: read(event address) -> value or None.", (void *)0},
    {"empty", lazy_attr, NULL, "The value of a field the event does not have.", (void *)1},
    {"name", lazy_attr, NULL, "The attribute's name.", (void *)2},
    {"__doc__", lazy_attr, NULL, NULL, (void *)3},
    {"decodes", lazy_attr, NULL, "Whether the reader's bytes are decoded as UTF-8.", (void *)4},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot lazy_slots[] = {
    {Py_tp_new, (void *)lazy_new},           {Py_tp_dealloc, (void *)lazy_dealloc},
    {Py_tp_traverse, (void *)lazy_traverse}, {Py_tp_clear, (void *)lazy_clear},
    {Py_tp_descr_get, (void *)lazy_get},     {Py_tp_methods, (void *)lazy_methods},
    {Py_tp_getset, (void *)lazy_getset},     {0, NULL},
};

PyType_Spec cbridge_lazy_field_spec = {
    "azaudio._cbridge.LazyField", sizeof(LazyField), 0, Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC, lazy_slots,
};
