/* kfs_dir.c: paths and directories: lookup, mkdir, remove, rename (one atomic commit), stat, listing, statvfs. */
#include <string.h>

#include "kfs_internal.h"

/* Compares an entry's name (in the active block) with name[0..len). */
static int name_equals(kfs_t *fs, const kfs_entry_t *e, const char *name, uint32_t len, bool *equal) {
    *equal = false;
    if (e->name_len != len) {
        return 0;
    }
    uint8_t buf[32];
    for (uint32_t done = 0; done < len;) {
        const uint32_t n = len - done < sizeof buf ? len - done : (uint32_t)sizeof buf;
        if (fs->bd->read(fs->bd->ctx, fs->active, e->name_off + done, buf, n) < 0) {
            return -KFS_EIO;
        }
        if (memcmp(buf, name + done, n) != 0) {
            return 0;
        }
        done += n;
    }
    *equal = true;
    return 0;
}

static int find_child(kfs_t *fs, uint32_t parent, const char *name, uint32_t len, kfs_entry_t **out) {
    *out = NULL;
    for (uint32_t i = 0; i < fs->n_entries; i++) {
        kfs_entry_t *e = &fs->entries[i];
        if (e->parent != parent) {
            continue;
        }
        bool equal;
        const int err = name_equals(fs, e, name, len, &equal);
        if (err != 0) {
            return err;
        }
        if (equal) {
            *out = e;
            return 0;
        }
    }
    return 0;
}

int kfs_name_check(const kfs_t *fs, const char *name, uint32_t len) {
    if (len == 0u || (len == 1u && name[0] == '.') || (len == 2u && name[0] == '.' && name[1] == '.')) {
        return -KFS_EINVAL;
    }
    return len > fs->name_max ? -KFS_ENAMETOOLONG : 0;
}

typedef struct {
    uint32_t id;       /* the entry (KFS_ROOT for the root), when found */
    uint32_t parent;   /* the directory that holds (or would hold) the last component */
    const char *name;  /* the last component */
    uint32_t len;
    uint8_t type;
    bool creatable;    /* not found, but its directory exists */
} walk_t;

/*
 * Resolves a path. 0: found (w->id, w->type). -KFS_ENOENT otherwise, with w->creatable and w->parent/name
 * set when everything but the last component exists; other errors for broken paths. "." components are skipped and ".."
 * goes up; empty components (repeated '/') are ignored.
 */
static int walk(kfs_t *fs, const char *path, walk_t *w) {
    if (!fs->mounted) {
        return -KFS_EINVAL;
    }
    w->id = KFS_ROOT;
    w->parent = KFS_ROOT;
    w->name = path;
    w->len = 0;
    w->type = KFS_TYPE_DIR;
    w->creatable = false;
    const char *p = path;
    for (;;) {
        while (*p == '/') {
            p++;
        }
        if (*p == '\0') {
            return 0;
        }
        const char *start = p;
        while (*p != '\0' && *p != '/') {
            p++;
        }
        const uint32_t len = (uint32_t)(p - start);
        const char *rest = p;
        while (*rest == '/') {
            rest++;
        }
        const bool last = *rest == '\0';
        if (w->type != KFS_TYPE_DIR) {
            return -KFS_ENOTDIR;
        }
        if (len == 1u && start[0] == '.') {
            continue;
        }
        if (len == 2u && start[0] == '.' && start[1] == '.') {
            if (w->id != KFS_ROOT) {
                const kfs_entry_t *e = kfs_entry_find(fs, w->id);
                w->id = e != NULL ? e->parent : KFS_ROOT;
                w->parent = KFS_ROOT;
                if (w->id != KFS_ROOT && (e = kfs_entry_find(fs, w->id)) != NULL) {
                    w->parent = e->parent;
                }
            }
            continue;
        }
        if (len > fs->name_max) {
            return -KFS_ENAMETOOLONG;
        }
        kfs_entry_t *child;
        const int err = find_child(fs, w->id, start, len, &child);
        if (err != 0) {
            return err;
        }
        w->parent = w->id;
        w->name = start;
        w->len = len;
        if (child == NULL) {
            w->creatable = last;
            return -KFS_ENOENT;
        }
        w->id = child->id;
        w->type = child->type;
    }
}

static bool has_children(const kfs_t *fs, uint32_t id) {
    for (uint32_t i = 0; i < fs->n_entries; i++) {
        if (fs->entries[i].parent == id) {
            return true;
        }
    }
    return false;
}

/* Commits a new entry (directory or empty file). */
static int create(kfs_t *fs, const walk_t *w, uint8_t type, uint32_t *id) {
    int err = kfs_name_check(fs, w->name, w->len);
    if (err != 0) {
        return err;
    }
    if (fs->n_entries >= fs->max_entries) {
        return -KFS_ENOSPC;
    }
    if ((err = kfs_commit_begin(fs, KFS_TAG + KFS_ENTRY_FIXED + w->len, false)) != 0) {
        return err;
    }
    *id = fs->next_id++;
    kfs_commit_tag(fs, KFS_TAG_ENTRY, KFS_ENTRY_FIXED + w->len);
    kfs_commit_u32(fs, *id);
    kfs_commit_u32(fs, w->parent);
    kfs_commit_bytes(fs, &type, 1);
    kfs_commit_bytes(fs, w->name, w->len);
    return kfs_commit_end(fs);
}

int kfs_create_file(kfs_t *fs, const char *path, uint32_t *id, bool *created) {
    walk_t w;
    const int err = walk(fs, path, &w);
    *created = false;
    if (err == 0) {
        if (w.id == KFS_ROOT || w.type == KFS_TYPE_DIR) {
            return -KFS_EISDIR;
        }
        *id = w.id;
        return 0;
    }
    if (!w.creatable) {
        return err;
    }
    *created = true;
    return create(fs, &w, KFS_TYPE_FILE, id);
}

int kfs_lookup_file(kfs_t *fs, const char *path, uint32_t *id) {
    walk_t w;
    const int err = walk(fs, path, &w);
    if (err != 0) {
        return err;
    }
    if (w.id == KFS_ROOT || w.type == KFS_TYPE_DIR) {
        return -KFS_EISDIR;
    }
    *id = w.id;
    return 0;
}

int kfs_mkdir(kfs_t *fs, const char *path) {
    walk_t w;
    const int err = walk(fs, path, &w);
    if (err == 0) {
        return -KFS_EEXIST;
    }
    if (!w.creatable) {
        return err;
    }
    uint32_t id;
    return create(fs, &w, KFS_TYPE_DIR, &id);
}

/* Deletes `victim` (when not KFS_NONE) and, when `moved` is not KFS_NONE, re-enters it under a new
   parent/name, all in one commit; then frees the victim's blocks. */
static int delete_and_move(kfs_t *fs, uint32_t victim, uint32_t moved, uint32_t parent, const char *name,
                           uint32_t len) {
    uint32_t payload = 0;
    if (victim != KFS_NONE) {
        payload += KFS_TAG + 4u;
    }
    if (moved != KFS_NONE) {
        payload += KFS_TAG + KFS_ENTRY_FIXED + len;
    }
    int err = kfs_commit_begin(fs, payload, moved == KFS_NONE);
    if (err != 0) {
        return err;
    }
    /* Looked up after begin: a compaction there moves every tag. */
    const kfs_entry_t *v = victim != KFS_NONE ? kfs_entry_find(fs, victim) : NULL;
    const uint8_t kind = v != NULL ? v->data_kind : 0u;
    const uint32_t data_off = v != NULL ? v->data_off : 0u;
    const uint32_t size = v != NULL ? v->size : 0u;
    uint8_t type = 0;
    if (moved != KFS_NONE) {
        const kfs_entry_t *m = kfs_entry_find(fs, moved);
        type = m != NULL ? m->type : (uint8_t)KFS_TYPE_FILE;
    }
    if (victim != KFS_NONE) {
        kfs_commit_tag(fs, KFS_TAG_DELETE, 4);
        kfs_commit_u32(fs, victim);
    }
    if (moved != KFS_NONE) {
        kfs_commit_tag(fs, KFS_TAG_ENTRY, KFS_ENTRY_FIXED + len);
        kfs_commit_u32(fs, moved);
        kfs_commit_u32(fs, parent);
        kfs_commit_bytes(fs, &type, 1);
        kfs_commit_bytes(fs, name, len);
    }
    if ((err = kfs_commit_end(fs)) != 0) {
        return err;
    }
    /* The old BLOCKS tag is still in the active block (commits only append). */
    return kind == 2u ? kfs_free_list(fs, data_off, size) : 0;
}

int kfs_remove(kfs_t *fs, const char *path) {
    walk_t w;
    const int err = walk(fs, path, &w);
    if (err != 0) {
        return err;
    }
    if (w.id == KFS_ROOT) {
        return -KFS_EINVAL;
    }
    if (w.type == KFS_TYPE_DIR && has_children(fs, w.id)) {
        return -KFS_ENOTEMPTY;
    }
    return delete_and_move(fs, w.id, KFS_NONE, 0, NULL, 0);
}

int kfs_rename(kfs_t *fs, const char *from, const char *to) {
    walk_t src;
    walk_t dst;
    int err = walk(fs, from, &src);
    if (err != 0) {
        return err;
    }
    if (src.id == KFS_ROOT) {
        return -KFS_EINVAL;
    }
    err = walk(fs, to, &dst);
    uint32_t victim = KFS_NONE;
    if (err == 0) {
        if (dst.id == src.id) {
            return 0;
        }
        if (dst.id == KFS_ROOT) {
            return -KFS_EINVAL;
        }
        if (dst.type == KFS_TYPE_DIR) {
            if (src.type != KFS_TYPE_DIR) {
                return -KFS_EISDIR;
            }
            if (has_children(fs, dst.id)) {
                return -KFS_ENOTEMPTY;
            }
        } else if (src.type == KFS_TYPE_DIR) {
            return -KFS_ENOTDIR;
        }
        victim = dst.id;
    } else if (!dst.creatable) {
        return err;
    }
    if ((err = kfs_name_check(fs, dst.name, dst.len)) != 0) {
        return err;
    }
    /* A directory cannot move into itself or below itself. */
    for (uint32_t up = dst.parent; up != KFS_ROOT;) {
        if (up == src.id) {
            return -KFS_EINVAL;
        }
        const kfs_entry_t *e = kfs_entry_find(fs, up);
        up = e != NULL ? e->parent : KFS_ROOT;
    }
    return delete_and_move(fs, victim, src.id, dst.parent, dst.name, dst.len);
}

static int fill_info(kfs_t *fs, const kfs_entry_t *e, kfs_info_t *info) {
    info->type = e->type;
    info->size = e->type == KFS_TYPE_FILE ? e->size : 0u;
    if (fs->bd->read(fs->bd->ctx, fs->active, e->name_off, info->name, e->name_len) < 0) {
        return -KFS_EIO;
    }
    info->name[e->name_len] = '\0';
    return 0;
}

int kfs_stat(kfs_t *fs, const char *path, kfs_info_t *info) {
    walk_t w;
    const int err = walk(fs, path, &w);
    if (err != 0) {
        return err;
    }
    if (w.id == KFS_ROOT) {
        info->type = KFS_TYPE_DIR;
        info->size = 0;
        info->name[0] = '\0';
        return 0;
    }
    return fill_info(fs, kfs_entry_find(fs, w.id), info);
}

int kfs_dir_open(kfs_t *fs, kfs_dir_t *dir, const char *path) {
    walk_t w;
    const int err = walk(fs, path, &w);
    if (err != 0) {
        return err;
    }
    if (w.type != KFS_TYPE_DIR) {
        return -KFS_ENOTDIR;
    }
    dir->parent = w.id;
    dir->last_id = 0;
    return 0;
}

int kfs_dir_read(kfs_t *fs, kfs_dir_t *dir, kfs_info_t *info) {
    /* Entries in id order (creation order), each step the smallest id past the last one returned: stable
       even when entries come and go between calls. */
    const kfs_entry_t *next = NULL;
    for (uint32_t i = 0; i < fs->n_entries; i++) {
        const kfs_entry_t *e = &fs->entries[i];
        if (e->parent == dir->parent && e->id > dir->last_id && (next == NULL || e->id < next->id)) {
            next = e;
        }
    }
    if (next == NULL) {
        return 0;
    }
    dir->last_id = next->id;
    const int err = fill_info(fs, next, info);
    return err != 0 ? err : 1;
}

int kfs_statvfs(kfs_t *fs, kfs_statvfs_t *out) {
    if (!fs->mounted) {
        return -KFS_EINVAL;
    }
    out->block_size = fs->bd->block_size;
    out->block_count = fs->bd->block_count;
    out->blocks_free = kfs_blocks_free(fs);
    out->name_max = fs->name_max;
    out->entries_free = fs->max_entries - fs->n_entries;
    return 0;
}
