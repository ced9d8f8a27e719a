// SPDX-License-Identifier: GPL-2.0-only
/*
 * The rules every VFIO ioctl shares, written once: the argsz/flags checks
 * of the table dispatcher, capability chains of info ioctls, and the
 * header checks of VFIO_DEVICE_SET_IRQS and VFIO_DEVICE_FEATURE.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

/*
 * Every argsz ioctl begins with these two words.  Reading them first tells
 * how much of the rest the caller claims to have passed.
 */
struct vfio_ioctl_header {
	u32 argsz;
	u32 flags;
};

/* Large enough for every struct a dispatch table names. */
#define VFIO_IOCTL_MAX_STRUCT	128

/*
 * The copies below run inside one user-access window per direction:
 * argsz and the struct are read without a second access_ok()/stac/clac
 * round, and the word-by-word moves need no run-time object check because
 * the destination is our own fixed buffer of VFIO_IOCTL_MAX_STRUCT bytes.
 * On small, frequent calls (one MAP_DMA or UNMAP_DMA of a page) those
 * costs are a visible part of the whole ioctl.
 */

/*
 * Copy in a struct whose caller may know a shorter or longer version of it
 * than the kernel does.  Only what the caller says it passed (argsz) and
 * the kernel knows (desc->size) is read: bytes past the kernel's struct
 * are the caller's output space for capability chains or a newer layout.
 * Members an older caller did not pass read as zero.
 */
static int vfio_ioctl_copy_in(const struct vfio_ioctl_desc *desc,
			      struct vfio_ioctl_call *call, void *buf)
{
	const u32 __user *uwords = call->uptr;
	u32 *words = buf;
	unsigned int len, i;
	u32 argsz;

	/*
	 * The window covers the kernel's struct even when argsz is smaller:
	 * access_ok() only checks the range against the user address limit,
	 * which no struct of a real caller comes near.
	 */
	if (!user_read_access_begin(uwords, desc->size))
		return -EFAULT;
	unsafe_get_user(argsz, uwords, fault);
	len = min(argsz, desc->size);
	words[0] = argsz;
	for (i = 1; i < len / sizeof(u32); i++)
		unsafe_get_user(words[i], uwords + i, fault);
	for (i = round_down(len, sizeof(u32)); i < len; i++)
		unsafe_get_user(((u8 *)buf)[i], (const u8 __user *)uwords + i,
				fault);
	user_read_access_end();

	call->user_size = argsz;
	if (argsz < desc->min_size)
		return -EINVAL;
	if (argsz < desc->size)
		memset(buf + argsz, 0, desc->size - argsz);
	return 0;

fault:
	user_read_access_end();
	return -EFAULT;
}

/* Copy the struct back, up to what the caller has room for. */
static int vfio_ioctl_copy_out(const struct vfio_ioctl_desc *desc,
			       struct vfio_ioctl_call *call, const void *buf)
{
	unsigned int len = min(call->user_size, desc->size);

	if (!user_write_access_begin(call->uptr, len))
		return -EFAULT;
	unsafe_copy_to_user(call->uptr, buf, len, fault);
	user_write_access_end();
	return 0;

fault:
	user_write_access_end();
	return -EFAULT;
}

static __always_inline long
vfio_ioctl_call_struct(const struct vfio_ioctl_desc *desc, void *owner,
		       struct vfio_ioctl_call *call)
{
	/*
	 * Not pre-zeroed: copy_in writes every byte up to desc->size, and
	 * no handler reads past its struct.
	 */
	u64 buf[VFIO_IOCTL_MAX_STRUCT / sizeof(u64)] __uninitialized;
	struct vfio_ioctl_header *header = (void *)buf;
	long ret;

	if (WARN_ON_ONCE(desc->size > sizeof(buf) ||
			 desc->min_size < sizeof(*header)))
		return -EINVAL;

	ret = vfio_ioctl_copy_in(desc, call, buf);
	if (ret)
		return ret;

	if (desc->flags_are_output)
		header->flags = 0;
	else if (header->flags & ~desc->valid_flags)
		return -EINVAL;

	call->cmd = buf;
	ret = desc->handler(owner, call);
	if (ret < 0 || !desc->copy_out)
		return ret;

	/* The handler may have raised argsz to ask for more room. */
	if (vfio_ioctl_copy_out(desc, call, buf))
		return -EFAULT;
	return ret;
}

/**
 * vfio_ioctl_dispatch - check an ioctl against its table entry and run it
 * @table: entries indexed by the ioctl's number minus VFIO_BASE, as built
 *	   by VFIO_IOCTL_RAW(), VFIO_IOCTL_IN(), VFIO_IOCTL_INOUT() and
 *	   VFIO_IOCTL_INFO()
 * @table_len: number of entries in @table
 * @owner: the object the fd refers to, passed to the handler
 * @cmd: ioctl number
 * @arg: ioctl argument
 *
 * For argsz ioctls the handler sees a kernel copy that passed the checks
 * every VFIO ioctl shares: argsz covers the mandatory members, and no flag
 * outside the entry's valid set is given.
 *
 * Return: -ENOTTY for a number the table does not know, -EINVAL or -EFAULT
 * when the checks fail, otherwise what the handler returned.
 */
long vfio_ioctl_dispatch(const struct vfio_ioctl_desc *table,
			 size_t table_len, void *owner, unsigned int cmd,
			 unsigned long arg)
{
	struct vfio_ioctl_call call = {
		.arg = arg,
		.uptr = (void __user *)arg,
	};
	const struct vfio_ioctl_desc *desc;
	unsigned int nr = _IOC_NR(cmd);

	/* Every VFIO ioctl is a bare _IO() number: nothing else is ours. */
	if (cmd != _IO(VFIO_TYPE, nr) || nr < VFIO_BASE ||
	    nr - VFIO_BASE >= table_len)
		return -ENOTTY;
	desc = &table[nr - VFIO_BASE];
	if (!desc->handler)
		return -ENOTTY;

	if (!desc->size)
		return desc->handler(owner, &call);
	return vfio_ioctl_call_struct(desc, owner, &call);
}
EXPORT_SYMBOL_GPL(vfio_ioctl_dispatch);

/**
 * vfio_info_cap_add - append a capability to a chain being built
 * @caps: the chain
 * @size: bytes of the capability, header included
 * @id: capability id
 * @version: capability version
 *
 * The new capability is zeroed apart from its header.  Its @next offset is
 * relative to the chain's start until vfio_info_cap_shift() rebases it.
 *
 * Return: the new header, or an ERR_PTR(-ENOMEM); on failure @caps is
 * freed and emptied.
 */
struct vfio_info_cap_header *vfio_info_cap_add(struct vfio_info_cap *caps,
					       size_t size, u16 id,
					       u16 version)
{
	struct vfio_info_cap_header *header, *tail;
	size_t offset = ALIGN(caps->size, sizeof(u64));
	void *buf;

	buf = krealloc(caps->buf, offset + size, GFP_KERNEL);
	if (!buf) {
		kfree(caps->buf);
		caps->buf = NULL;
		caps->size = 0;
		return ERR_PTR(-ENOMEM);
	}

	caps->buf = buf;
	header = buf + offset;
	memset(buf + caps->size, 0, offset + size - caps->size);
	header->id = id;
	header->version = version;

	/* Find the current tail and link it to the new capability. */
	for (tail = buf; offset && tail->next; tail = buf + tail->next)
		;
	if (offset)
		tail->next = offset;

	caps->size = offset + size;
	return header;
}
EXPORT_SYMBOL_GPL(vfio_info_cap_add);

/**
 * vfio_info_cap_shift - rebase a chain's @next offsets
 * @caps: the chain
 * @offset: where the chain will start in the user's buffer
 */
void vfio_info_cap_shift(struct vfio_info_cap *caps, size_t offset)
{
	struct vfio_info_cap_header *header;
	void *buf = caps->buf;

	if (!caps->size)
		return;
	for (header = buf; header->next; header = buf + header->next - offset)
		header->next += offset;
}
EXPORT_SYMBOL_GPL(vfio_info_cap_shift);

/**
 * vfio_info_add_capability - append a fully built capability to a chain
 * @caps: the chain
 * @cap: the capability, header first; its id and version are used
 * @size: its size in bytes
 *
 * Return: 0 or -ENOMEM.
 */
int vfio_info_add_capability(struct vfio_info_cap *caps,
			     struct vfio_info_cap_header *cap, size_t size)
{
	struct vfio_info_cap_header *header;

	header = vfio_info_cap_add(caps, size, cap->id, cap->version);
	if (IS_ERR(header))
		return PTR_ERR(header);

	memcpy(header + 1, cap + 1, size - sizeof(*header));
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_info_add_capability);

/**
 * vfio_info_copy_caps - finish an info ioctl that may carry a chain
 * @caps: the chain built for this call; freed here
 * @argsz: the info struct's argsz, raised when the chain does not fit
 * @cap_offset: the info struct's cap_offset, set when the chain is copied
 * @flags: the info struct's flags, gains @caps_flag when there is a chain
 * @caps_flag: the "has capabilities" flag of this info struct
 * @info_size: the size of the info struct; the chain follows it
 * @uinfo: the user's info struct
 *
 * A caller whose buffer is too small learns the size it needs from
 * @argsz and sees @caps_flag with a zero @cap_offset, so it can retry.
 *
 * Return: 0 or -EFAULT.
 */
int vfio_info_copy_caps(struct vfio_info_cap *caps, u32 *argsz,
			u32 *cap_offset, u32 *flags, u32 caps_flag,
			size_t info_size, void __user *uinfo)
{
	int ret = 0;

	if (!caps->size)
		return 0;

	*flags |= caps_flag;
	if (*argsz < info_size + caps->size) {
		*argsz = info_size + caps->size;
		*cap_offset = 0;
		goto out_free;
	}

	vfio_info_cap_shift(caps, info_size);
	if (copy_to_user(uinfo + info_size, caps->buf, caps->size))
		ret = -EFAULT;
	*cap_offset = info_size;
out_free:
	kfree(caps->buf);
	caps->buf = NULL;
	caps->size = 0;
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_info_copy_caps);

/**
 * vfio_set_irqs_validate_and_prepare - check a VFIO_DEVICE_SET_IRQS header
 * @hdr: the header, already copied from the user
 * @num_irqs: how many vectors the addressed index has
 * @max_irq_type: number of IRQ indexes the device has
 * @data_size: set to the number of data bytes that follow the header
 *
 * Exactly one data type and one action must be given, the vector range
 * must lie inside the index, and argsz must cover the data.
 *
 * Return: 0 or -EINVAL.
 */
int vfio_set_irqs_validate_and_prepare(struct vfio_irq_set *hdr,
				       int num_irqs, int max_irq_type,
				       size_t *data_size)
{
	const size_t minsz = offsetofend(struct vfio_irq_set, count);
	size_t elem_size;
	u32 end;

	if (hdr->argsz < minsz || hdr->index >= max_irq_type)
		return -EINVAL;
	if (hdr->flags & ~(VFIO_IRQ_SET_DATA_TYPE_MASK |
			   VFIO_IRQ_SET_ACTION_TYPE_MASK))
		return -EINVAL;
	if (hweight32(hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK) != 1 ||
	    hweight32(hdr->flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) != 1)
		return -EINVAL;

	switch (hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
	case VFIO_IRQ_SET_DATA_NONE:
		elem_size = 0;
		break;
	case VFIO_IRQ_SET_DATA_BOOL:
		elem_size = sizeof(u8);
		break;
	default:
		elem_size = sizeof(s32);
		break;
	}

	/* A zero count is how a bus driver is told to tear an index down. */
	if (hdr->start >= num_irqs ||
	    check_add_overflow(hdr->start, hdr->count, &end) || end > num_irqs)
		return -EINVAL;

	*data_size = elem_size * hdr->count;
	if (hdr->argsz - minsz < *data_size)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_set_irqs_validate_and_prepare);

/**
 * vfio_check_feature - check the operation bits of a VFIO_DEVICE_FEATURE
 * @flags: the caller's flags
 * @argsz: the caller's argsz, header included
 * @supported_ops: VFIO_DEVICE_FEATURE_GET and/or _SET this feature allows
 * @minsz: payload bytes the feature needs after the header
 *
 * The return values follow Linux's so that drivers read the same:
 * a handler goes on only when this returns 1.
 *
 * Return: 1 when the handler should go on, 0 when the caller only probed
 * and the feature supports what it asked, -EINVAL otherwise.
 */
int vfio_check_feature(u32 flags, size_t argsz, u32 supported_ops,
		       size_t minsz)
{
	u32 ops = flags & (VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET);

	if (ops & ~supported_ops)
		return -EINVAL;
	if (flags & VFIO_DEVICE_FEATURE_PROBE)
		return 0;
	if (!ops || argsz < minsz)
		return -EINVAL;
	return 1;
}
EXPORT_SYMBOL_GPL(vfio_check_feature);
