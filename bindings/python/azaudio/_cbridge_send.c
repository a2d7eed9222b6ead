/* azaudio._cbridge.send_audio_method and owned_finalizer: RealtimeSending.send_audio and _OwnedEvent.__del__ as C
 * methods of those Python classes (see _cbridge.c). */
#include "_cbridge.h"

#include <stdlib.h>
#include <string.h>

/* RealtimeSending.send_audio as a method descriptor (a C method of the Python class, as list.append is of list): a
 * call of session.send_audio(bytes) runs no Python frame. The common case (positional bytes, the session live, no
 * exception from a callback waiting) is done here, exactly as the Python method does it; everything else goes to
 * that Python method (`send_fallback`), so the behaviour is the same either way; a refused send raises through
 * `raise_code(code)`, the Python method's own raise. */
static PyObject *send_fallback, *raise_code;
static PyMethodDef send_audio_method;
static char *send_audio_doc;

static PyObject *send_audio_slow(PyObject *self, PyObject *const *args, Py_ssize_t count, PyObject *kwnames) {
    Py_ssize_t named = kwnames != NULL ? PyTuple_Size(kwnames) : 0;
    PyObject *positional = PyTuple_New(count + 1);
    PyObject *keywords = named > 0 ? PyDict_New() : NULL;
    if (positional == NULL || (named > 0 && keywords == NULL)) {
        Py_XDECREF(positional);
        Py_XDECREF(keywords);
        return NULL;
    }
    Py_INCREF(self);
    PyTuple_SetItem(positional, 0, self);
    for (Py_ssize_t i = 0; i < count; i++) {
        Py_INCREF(args[i]);
        PyTuple_SetItem(positional, i + 1, args[i]);
    }
    for (Py_ssize_t i = 0; i < named; i++) {
        if (PyDict_SetItem(keywords, PyTuple_GetItem(kwnames, i), args[count + i]) < 0) {
            Py_DECREF(positional);
            Py_DECREF(keywords);
            return NULL;
        }
    }
    PyObject *result = PyObject_Call(send_fallback, positional, keywords);
    Py_DECREF(positional);
    Py_XDECREF(keywords);
    return result;
}

static PyObject *send_audio_fast(PyObject *self, PyObject *const *args, Py_ssize_t count, PyObject *kwnames) {
    if (count != 1 || kwnames != NULL || !PyBytes_CheckExact(args[0]) || cbridge_send_audio_call == NULL) {
        return send_audio_slow(self, args, count, kwnames);
    }
    PyObject *handle = PyObject_GetAttr(self, name_handle);
    if (handle == NULL) {
        return NULL;
    }
    PyObject *pending = PyObject_GetAttr(self, name_pending);
    if (pending == NULL) {
        Py_DECREF(handle);
        return NULL;
    }
    int live = handle != Py_None && pending == Py_None;
    Py_DECREF(pending);
    if (!live) { /* _live() raises what the session has to say */
        Py_DECREF(handle);
        return send_audio_slow(self, args, count, kwnames);
    }
    int32_t code = 0;
    int failed = PyBytes_Size(args[0]) > 0 && cbridge_send_bytes(handle, args[0], &code) < 0;
    Py_DECREF(handle);
    if (failed) {
        return NULL;
    }
    if (code == 0) {
        Py_RETURN_NONE;
    }
    PyObject *code_int = PyLong_FromLong((long)code);
    if (code_int == NULL) {
        return NULL;
    }
    PyObject *raised = PyObject_CallFunctionObjArgs(raise_code, code_int, NULL);
    Py_DECREF(code_int);
    if (raised != NULL) { /* raise_code always raises; a return is treated as success */
        Py_DECREF(raised);
        Py_RETURN_NONE;
    }
    return NULL;
}

PyObject *cbridge_send_audio_method(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *owner = NULL, *fallback = NULL, *raiser = NULL;
    if (!PyArg_ParseTuple(args, "O!OO:send_audio_method", &PyType_Type, &owner, &fallback, &raiser)) {
        return NULL;
    }
    if (send_fallback != NULL) {
        PyErr_SetString(PyExc_RuntimeError, "send_audio_method() was already called");
        return NULL;
    }
    PyObject *doc = PyObject_GetAttrString(fallback, "__doc__");
    if (doc == NULL) {
        return NULL;
    }
    PyObject *text = PyUnicode_FromFormat("send_audio($self, audio)\n--\n\n%S", doc == Py_None ? Py_None : doc);
    Py_DECREF(doc);
    const char *utf8 = text != NULL ? PyUnicode_AsUTF8AndSize(text, NULL) : NULL;
    if (utf8 == NULL || (send_audio_doc = malloc(strlen(utf8) + 1)) == NULL) {
        Py_XDECREF(text);
        return utf8 == NULL ? NULL : PyErr_NoMemory();
    }
    memcpy(send_audio_doc, utf8, strlen(utf8) + 1);
    Py_DECREF(text);
    send_audio_method.ml_name = "send_audio";
    send_audio_method.ml_meth = (PyCFunction)(void (*)(void))send_audio_fast;
    send_audio_method.ml_flags = METH_FASTCALL | METH_KEYWORDS;
    send_audio_method.ml_doc = send_audio_doc;
    PyObject *method = PyDescr_NewMethod((PyTypeObject *)owner, &send_audio_method);
    if (method == NULL) {
        return NULL;
    }
    Py_INCREF(fallback);
    Py_INCREF(raiser);
    send_fallback = fallback;
    raise_code = raiser;
    return method;
}

/* _OwnedEvent.__del__ (azaudio._events), step for step: a pulled event that still has its C event frees it. Runs
 * for every pulled event, so as a C method it spares a Python frame and a ctypes call each. Never raises. */
static PyObject *owned_del(PyObject *self, PyObject *unused) {
    (void)unused;
    PyObject *event = PyObject_GetAttr(self, name_event);
    PyObject *lock = event != NULL ? PyObject_GetAttr(self, name_lock) : NULL;
    if (event != NULL && lock != NULL && lock == Py_None && PyObject_IsTrue(event) > 0) {
        void *pointer = PyLong_AsVoidPtr(event);
        if (pointer != NULL && PyObject_SetAttr(self, name_event, Py_None) == 0 && cbridge_event_free != NULL) {
            cbridge_event_free(pointer);
        }
    }
    Py_XDECREF(lock);
    Py_XDECREF(event);
    PyErr_Clear(); /* (an event whose slots were never set: nothing to free) */
    Py_RETURN_NONE;
}

static PyMethodDef owned_del_method = {"__del__", owned_del, METH_NOARGS, "Frees the C event this event owns."};

PyObject *cbridge_owned_finalizer(PyObject *module, PyObject *owner) {
    (void)module;
    if (!PyType_Check(owner)) {
        PyErr_SetString(PyExc_TypeError, "owned_finalizer(owner): owner must be a class");
        return NULL;
    }
    return PyDescr_NewMethod((PyTypeObject *)owner, &owned_del_method);
}
