/* Init functions and cross-file entry points of the schemes. */
#ifndef SCHEMES_H
#define SCHEMES_H
#include "file.h"
void initfs_scheme_init(void);
void tmp_scheme_init(void);
void null_scheme_init(void);
void console_scheme_init(void);
void sys_scheme_init(void);
void proc_scheme_init(void);
void linuxproc_scheme_init(void);
void pipe_scheme_init(void);
void serial2_scheme_init(void);
int pipe_create(struct file **rd, struct file **wr);
/* FIFOs (scheme_pipe.c): a pipe a named node owns, opened by attaching. */
struct pipe;
struct pipe *pipe_alloc(void);
void pipe_free(struct pipe *p);
int pipe_attach(struct pipe *p, struct file *f);
void pipe_detach(struct pipe *p, struct file *f);
long pipe_file_read(struct pipe *p, struct file *f, uint64_t ubuf, size_t n);
long pipe_file_write(struct pipe *p, struct file *f, uint64_t ubuf, size_t n);
int pipe_file_poll(struct pipe *p, struct file *f);
/* FIONREAD of a pipe or FIFO end: the bytes waiting in it. */
long pipe_file_ioctl(struct pipe *p, struct file *f, uint64_t req, uint64_t arg);
int initfs_lookup(const char *path, const void **data, size_t *size);
size_t initfs_image_size(void);
int console_fg_pgrp(void);          /* the group ^C signals (default 1) */
void console_set_fg_pgrp(int pgid); /* as TIOCSPGRP; pgid <= 0 is ignored */
#endif
