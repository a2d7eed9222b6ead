/* Swift's view of libsndfile (Debian's libsndfile1-dev): decodes WAV, FLAC, MP3 and Ogg, encodes FLAC and WAV. */
#ifndef CSNDFILE_H
#define CSNDFILE_H
#include <sndfile.h>
#endif
