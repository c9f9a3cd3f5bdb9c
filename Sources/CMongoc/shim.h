/* The pkg-config include paths bring in the libbson headers as well. */
#include <mongoc/mongoc.h>
