// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interrupts of vfio-pci devices: VFIO_DEVICE_GET_IRQ_INFO, the checks of
 * VFIO_DEVICE_SET_IRQS, edu's INTx (auto-masked, unmasked by ioctl or
 * eventfd) and MSI raised by the device itself, MSI-X vectors added one at
 * a time and fired from software, and the ERR and REQ eventfds.
 */
#include "kselftest_harness.h"
#include "vfio_pci_util.h"

FIXTURE(irq) {
	struct vpt_binding binding;
	struct vpt_device dev;
	bool is_edu;
	bool is_pcie;
};

FIXTURE_VARIANT(irq) {
	const char *name;
	bool is_edu;
};

FIXTURE_VARIANT_ADD(irq, edu) { .name = "EDU", .is_edu = true };
FIXTURE_VARIANT_ADD(irq, e1000e) { .name = "E1000E" };
FIXTURE_VARIANT_ADD(irq, nvme) { .name = "NVME" };

FIXTURE_SETUP(irq)
{
	char why[160];
	int ret;

	ret = vpt_setup_device(variant->name, &self->dev, &self->binding, why,
			       sizeof(why));
	if (ret > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);

	self->is_edu = variant->is_edu;
	self->is_pcie = vpt_find_cap(&self->dev, PCI_CAP_ID_EXP) != 0;
}

FIXTURE_TEARDOWN(irq)
{
	vpt_close(&self->dev);
	vpt_unbind(&self->binding);
}

static int edu_raise(struct vpt_device *d, uint32_t bits)
{
	return vpt_bar_write32(d, 0, EDU_IRQ_RAISE, bits);
}

static int edu_ack(struct vpt_device *d, uint32_t bits)
{
	return vpt_bar_write32(d, 0, EDU_IRQ_ACK, bits);
}

/* An action on vector 0 of @index, without data */
static int irq_action(struct vpt_device *d, uint32_t index, uint32_t action)
{
	return vpt_set_irqs(d->fd, VFIO_IRQ_SET_DATA_NONE | action, index, 0, 1,
			    NULL, 0);
}

TEST_F(irq, irq_info)
{
	struct vfio_irq_info info;
	uint16_t flags;
	int pos;

	/* INTx: level triggered, masked on delivery, maskable */
	ASSERT_EQ(0, vpt_irq_info(self->dev.fd, VFIO_PCI_INTX_IRQ_INDEX, &info));
	EXPECT_EQ(VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
		  VFIO_IRQ_INFO_AUTOMASKED, info.flags);
	EXPECT_EQ(vpt_cfg_read8(&self->dev, PCI_INTERRUPT_PIN) ? 1 : 0,
		  info.count);

	/* MSI: as many vectors as the device can take */
	ASSERT_EQ(0, vpt_irq_info(self->dev.fd, VFIO_PCI_MSI_IRQ_INDEX, &info));
	EXPECT_EQ(VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE, info.flags);
	pos = vpt_find_cap(&self->dev, PCI_CAP_ID_MSI);
	if (pos) {
		ASSERT_EQ(0, vpt_sysfs_config(self->dev.bdf, &flags, 2,
					      pos + PCI_MSI_FLAGS));
		EXPECT_EQ(1U << ((flags & PCI_MSI_FLAGS_QMASK) >> 1),
			  info.count);
	} else {
		EXPECT_EQ(0, info.count);
	}

	/* MSI-X: the table size; resizable where the kernel can grow it */
	ASSERT_EQ(0, vpt_irq_info(self->dev.fd, VFIO_PCI_MSIX_IRQ_INDEX,
				  &info));
	EXPECT_TRUE(info.flags & VFIO_IRQ_INFO_EVENTFD);
	EXPECT_EQ(0, info.flags & (VFIO_IRQ_INFO_MASKABLE |
				   VFIO_IRQ_INFO_AUTOMASKED));
	pos = vpt_find_cap(&self->dev, PCI_CAP_ID_MSIX);
	EXPECT_EQ(pos ? (vpt_cfg_read16(&self->dev, pos + PCI_MSIX_FLAGS) &
			 PCI_MSIX_FLAGS_QSIZE) + 1 : 0, info.count);

	/* ERR: PCI Express only */
	if (self->is_pcie) {
		ASSERT_EQ(0, vpt_irq_info(self->dev.fd, VFIO_PCI_ERR_IRQ_INDEX,
					  &info));
		EXPECT_EQ(1, info.count);
		EXPECT_EQ(VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE,
			  info.flags);
	} else {
		EXPECT_ERRNO(EINVAL, vpt_irq_info(self->dev.fd,
						  VFIO_PCI_ERR_IRQ_INDEX,
						  &info));
	}

	ASSERT_EQ(0, vpt_irq_info(self->dev.fd, VFIO_PCI_REQ_IRQ_INDEX, &info));
	EXPECT_EQ(1, info.count);
	EXPECT_EQ(VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE, info.flags);

	EXPECT_ERRNO(EINVAL, vpt_irq_info(self->dev.fd, VFIO_PCI_NUM_IRQS,
					  &info));
	info.argsz = offsetof(struct vfio_irq_info, count);
	info.index = VFIO_PCI_REQ_IRQ_INDEX;
	EXPECT_ERRNO(EINVAL, ioctl(self->dev.fd, VFIO_DEVICE_GET_IRQ_INFO,
				   &info));
}

TEST_F(irq, set_irqs_header_checks)
{
	struct vfio_irq_set set = { .argsz = sizeof(set) };
	uint32_t trigger_none = VFIO_IRQ_SET_DATA_NONE |
				VFIO_IRQ_SET_ACTION_TRIGGER;
	int32_t fd = -1;

	/* No such index */
	EXPECT_ERRNO(EINVAL, vpt_set_irqs(self->dev.fd, trigger_none,
					  VFIO_PCI_NUM_IRQS, 0, 1, NULL, 0));
	/* Exactly one data type and one action */
	EXPECT_ERRNO(EINVAL, vpt_set_irqs(self->dev.fd, 0,
					  VFIO_PCI_REQ_IRQ_INDEX, 0, 1, NULL,
					  0));
	EXPECT_ERRNO(EINVAL, vpt_set_irqs(self->dev.fd,
					  VFIO_IRQ_SET_ACTION_TRIGGER,
					  VFIO_PCI_REQ_IRQ_INDEX, 0, 1, NULL,
					  0));
	EXPECT_ERRNO(EINVAL, vpt_set_irqs(self->dev.fd, trigger_none |
					  VFIO_IRQ_SET_DATA_BOOL,
					  VFIO_PCI_REQ_IRQ_INDEX, 0, 1, NULL,
					  0));
	/*
	 * No action, or two: ours refuses it with the header (EINVAL);
	 * Linux only finds no handler for it later (ENOTTY).
	 */
	errno = 0;
	EXPECT_EQ(-1, vpt_set_irqs(self->dev.fd, VFIO_IRQ_SET_DATA_NONE,
				   VFIO_PCI_REQ_IRQ_INDEX, 0, 1, NULL, 0));
	EXPECT_TRUE(errno == EINVAL || errno == ENOTTY);
	errno = 0;
	EXPECT_EQ(-1, vpt_set_irqs(self->dev.fd, trigger_none |
				   VFIO_IRQ_SET_ACTION_MASK,
				   VFIO_PCI_REQ_IRQ_INDEX, 0, 1, NULL, 0));
	EXPECT_TRUE(errno == EINVAL || errno == ENOTTY);
	/* No unknown flags */
	EXPECT_ERRNO(EINVAL, vpt_set_irqs(self->dev.fd, trigger_none | (1 << 6),
					  VFIO_PCI_REQ_IRQ_INDEX, 0, 1, NULL,
					  0));
	/* Vectors inside the index */
	EXPECT_ERRNO(EINVAL, vpt_set_irqs(self->dev.fd, trigger_none,
					  VFIO_PCI_REQ_IRQ_INDEX, 1, 1, NULL,
					  0));
	EXPECT_ERRNO(EINVAL, vpt_set_irqs(self->dev.fd, trigger_none,
					  VFIO_PCI_REQ_IRQ_INDEX, 0, 2, NULL,
					  0));
	EXPECT_ERRNO(EINVAL, vpt_set_irqs(self->dev.fd, trigger_none,
					  VFIO_PCI_REQ_IRQ_INDEX, ~0U, 2, NULL,
					  0));
	/* argsz must cover the header, and the data */
	set.argsz = offsetof(struct vfio_irq_set, count);
	set.flags = trigger_none;
	set.index = VFIO_PCI_REQ_IRQ_INDEX;
	set.count = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->dev.fd, VFIO_DEVICE_SET_IRQS, &set));
	set.argsz = sizeof(set);
	set.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	EXPECT_ERRNO(EINVAL, ioctl(self->dev.fd, VFIO_DEVICE_SET_IRQS, &set));
	EXPECT_ERRNO(EFAULT, ioctl(self->dev.fd, VFIO_DEVICE_SET_IRQS, NULL));

	/* Actions an index does not have */
	EXPECT_ERRNO(ENOTTY, irq_action(&self->dev, VFIO_PCI_REQ_IRQ_INDEX,
					VFIO_IRQ_SET_ACTION_MASK));
	EXPECT_ERRNO(ENOTTY, irq_action(&self->dev, VFIO_PCI_REQ_IRQ_INDEX,
					VFIO_IRQ_SET_ACTION_UNMASK));
	if (vpt_find_cap(&self->dev, PCI_CAP_ID_MSI)) {
		EXPECT_ERRNO(ENOTTY, irq_action(&self->dev,
						VFIO_PCI_MSI_IRQ_INDEX,
						VFIO_IRQ_SET_ACTION_MASK));
		EXPECT_ERRNO(ENOTTY, irq_action(&self->dev,
						VFIO_PCI_MSI_IRQ_INDEX,
						VFIO_IRQ_SET_ACTION_UNMASK));
		/* Loopback of an index that is off */
		EXPECT_ERRNO(EINVAL, irq_action(&self->dev,
						VFIO_PCI_MSI_IRQ_INDEX,
						VFIO_IRQ_SET_ACTION_TRIGGER));
	}
	if (vpt_cfg_read8(&self->dev, PCI_INTERRUPT_PIN)) {
		/* Mask and unmask need INTx enabled. */
		EXPECT_ERRNO(EINVAL, irq_action(&self->dev,
						VFIO_PCI_INTX_IRQ_INDEX,
						VFIO_IRQ_SET_ACTION_UNMASK));
		EXPECT_ERRNO(EINVAL, irq_action(&self->dev,
						VFIO_PCI_INTX_IRQ_INDEX,
						VFIO_IRQ_SET_ACTION_MASK));
		EXPECT_ERRNO(EINVAL, irq_action(&self->dev,
						VFIO_PCI_INTX_IRQ_INDEX,
						VFIO_IRQ_SET_ACTION_TRIGGER));
	}

	/* Eventfds must be eventfds. */
	fd = -2;
	EXPECT_ERRNO(EINVAL, vpt_irq_eventfds(self->dev.fd,
					      VFIO_PCI_REQ_IRQ_INDEX, 0, 1,
					      &fd));
	fd = 1000;
	EXPECT_ERRNO(EBADF, vpt_irq_eventfds(self->dev.fd,
					     VFIO_PCI_REQ_IRQ_INDEX, 0, 1,
					     &fd));
	fd = self->dev.group;
	EXPECT_ERRNO(EINVAL, vpt_irq_eventfds(self->dev.fd,
					      VFIO_PCI_REQ_IRQ_INDEX, 0, 1,
					      &fd));
}

TEST_F(irq, one_index_at_a_time)
{
	int32_t efd[2];
	struct vfio_irq_info msi, msix;

	ASSERT_EQ(0, vpt_irq_info(self->dev.fd, VFIO_PCI_MSI_IRQ_INDEX, &msi));
	ASSERT_EQ(0, vpt_irq_info(self->dev.fd, VFIO_PCI_MSIX_IRQ_INDEX,
				  &msix));
	if (!msi.count || !(msix.count ||
			    vpt_cfg_read8(&self->dev, PCI_INTERRUPT_PIN)))
		SKIP(return, "needs MSI and one more index");

	efd[0] = eventfd(0, EFD_CLOEXEC);
	efd[1] = eventfd(0, EFD_CLOEXEC);
	ASSERT_EQ(0, vpt_irq_eventfds(self->dev.fd, VFIO_PCI_MSI_IRQ_INDEX, 0,
				      1, efd));
	if (msix.count)
		EXPECT_ERRNO(EINVAL, vpt_irq_eventfds(self->dev.fd,
						      VFIO_PCI_MSIX_IRQ_INDEX,
						      0, 1, &efd[1]));
	if (vpt_cfg_read8(&self->dev, PCI_INTERRUPT_PIN))
		EXPECT_ERRNO(EINVAL, vpt_irq_eventfds(self->dev.fd,
						      VFIO_PCI_INTX_IRQ_INDEX,
						      0, 1, &efd[1]));
	ASSERT_EQ(0, vpt_irq_disable(self->dev.fd, VFIO_PCI_MSI_IRQ_INDEX));

	/* Once off, another index can be enabled. */
	if (msix.count) {
		EXPECT_EQ(0, vpt_irq_eventfds(self->dev.fd,
					      VFIO_PCI_MSIX_IRQ_INDEX, 0, 1,
					      &efd[1]));
		EXPECT_EQ(0, vpt_irq_disable(self->dev.fd,
					     VFIO_PCI_MSIX_IRQ_INDEX));
	}
	close(efd[0]);
	close(efd[1]);
}

TEST_F(irq, failed_enable_leaves_nothing)
{
	struct vfio_irq_info info;
	int32_t fds[2];

	ASSERT_EQ(0, vpt_irq_info(self->dev.fd, VFIO_PCI_MSIX_IRQ_INDEX,
				  &info));
	if (info.count < 2)
		SKIP(return, "needs 2 MSI-X vectors");

	/* The second fd is no fd: the first vector is undone too... */
	fds[0] = eventfd(0, EFD_CLOEXEC);
	fds[1] = 1000;
	EXPECT_ERRNO(EBADF, vpt_irq_eventfds(self->dev.fd,
					     VFIO_PCI_MSIX_IRQ_INDEX, 0, 2,
					     fds));
	/* ...and the index is off: loopback is refused, MSI can be enabled. */
	EXPECT_ERRNO(EINVAL, irq_action(&self->dev, VFIO_PCI_MSIX_IRQ_INDEX,
					VFIO_IRQ_SET_ACTION_TRIGGER));
	if (vpt_find_cap(&self->dev, PCI_CAP_ID_MSI)) {
		EXPECT_EQ(0, vpt_irq_eventfds(self->dev.fd,
					      VFIO_PCI_MSI_IRQ_INDEX, 0, 1,
					      fds));
		EXPECT_EQ(0, vpt_irq_disable(self->dev.fd,
					     VFIO_PCI_MSI_IRQ_INDEX));
	}
	close(fds[0]);
}

/* ERR and REQ: eventfds the driver signals; software can fire them too */
static void single_trigger(struct __test_metadata *_metadata,
			   struct vpt_device *d, uint32_t index)
{
	uint8_t yes = 1, no = 0;
	int32_t efd, off = -1;

	efd = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, efd);
	/* Nothing to fire yet */
	EXPECT_ERRNO(EINVAL, irq_action(d, index, VFIO_IRQ_SET_ACTION_TRIGGER));

	ASSERT_EQ(0, vpt_irq_eventfds(d->fd, index, 0, 1, &efd));
	EXPECT_EQ(0, irq_action(d, index, VFIO_IRQ_SET_ACTION_TRIGGER));
	EXPECT_EQ(1, vpt_eventfd_wait(efd, EVENT_TIMEOUT_MS));

	EXPECT_EQ(0, vpt_set_irqs(d->fd, VFIO_IRQ_SET_DATA_BOOL |
				  VFIO_IRQ_SET_ACTION_TRIGGER, index, 0, 1,
				  &yes, 1));
	EXPECT_EQ(1, vpt_eventfd_wait(efd, EVENT_TIMEOUT_MS));
	EXPECT_EQ(0, vpt_set_irqs(d->fd, VFIO_IRQ_SET_DATA_BOOL |
				  VFIO_IRQ_SET_ACTION_TRIGGER, index, 0, 1,
				  &no, 1));
	EXPECT_EQ(0, vpt_eventfd_wait(efd, QUIET_TIMEOUT_MS));

	/* Disconnected by fd -1, and by count 0 */
	EXPECT_EQ(0, vpt_irq_eventfds(d->fd, index, 0, 1, &off));
	EXPECT_ERRNO(EINVAL, irq_action(d, index, VFIO_IRQ_SET_ACTION_TRIGGER));
	ASSERT_EQ(0, vpt_irq_eventfds(d->fd, index, 0, 1, &efd));
	EXPECT_EQ(0, vpt_irq_disable(d->fd, index));
	EXPECT_ERRNO(EINVAL, irq_action(d, index, VFIO_IRQ_SET_ACTION_TRIGGER));
	/* Count 0 with an eventfd makes no sense. */
	EXPECT_ERRNO(EINVAL, vpt_set_irqs(d->fd, VFIO_IRQ_SET_DATA_EVENTFD |
					  VFIO_IRQ_SET_ACTION_TRIGGER, index,
					  0, 0, NULL, 0));
	close(efd);
}

TEST_F(irq, req_eventfd)
{
	single_trigger(_metadata, &self->dev, VFIO_PCI_REQ_IRQ_INDEX);
}

TEST_F(irq, err_eventfd)
{
	if (!self->is_pcie)
		SKIP(return, "AER is PCI Express only");
	single_trigger(_metadata, &self->dev, VFIO_PCI_ERR_IRQ_INDEX);
}

/* edu raises MSI itself: it arrives on the eventfd. */
TEST_F(irq, edu_msi)
{
	uint16_t cmd;
	int32_t efd;
	int i;

	if (!self->is_edu)
		SKIP(return, "edu only");
	efd = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, vpt_irq_eventfds(self->dev.fd, VFIO_PCI_MSI_IRQ_INDEX, 0,
				      1, &efd));
	/* An MSI is a write by the device: it needs bus mastering. */
	cmd = vpt_cfg_read16(&self->dev, PCI_COMMAND);
	ASSERT_EQ(0, vpt_cfg_write16(&self->dev, PCI_COMMAND,
				     cmd | PCI_COMMAND_MASTER));

	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, edu_raise(&self->dev, 1 << i));
		EXPECT_LT(0, vpt_eventfd_wait(efd, EVENT_TIMEOUT_MS))
			TH_LOG("MSI %d did not arrive", i);
		EXPECT_EQ(1U << i, vpt_bar_read32(&self->dev, 0,
						  EDU_IRQ_STATUS));
		ASSERT_EQ(0, edu_ack(&self->dev, 1 << i));
	}

	/* Software can fire it too. */
	EXPECT_EQ(0, irq_action(&self->dev, VFIO_PCI_MSI_IRQ_INDEX,
				VFIO_IRQ_SET_ACTION_TRIGGER));
	EXPECT_EQ(1, vpt_eventfd_wait(efd, EVENT_TIMEOUT_MS));

	ASSERT_EQ(0, vpt_irq_disable(self->dev.fd, VFIO_PCI_MSI_IRQ_INDEX));
	EXPECT_ERRNO(EINVAL, irq_action(&self->dev, VFIO_PCI_MSI_IRQ_INDEX,
					VFIO_IRQ_SET_ACTION_TRIGGER));
	close(efd);
}

/* edu's INTx: masked when it fires, fires again only once unmasked */
TEST_F(irq, edu_intx_automask)
{
	int32_t efd, unmask;

	if (!self->is_edu)
		SKIP(return, "edu only");
	efd = eventfd(0, EFD_CLOEXEC);
	unmask = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, efd);
	ASSERT_LE(0, unmask);
	ASSERT_EQ(0, vpt_irq_eventfds(self->dev.fd, VFIO_PCI_INTX_IRQ_INDEX, 0,
				      1, &efd));

	/* It fires, and is masked. */
	ASSERT_EQ(0, edu_raise(&self->dev, 1));
	ASSERT_LT(0, vpt_eventfd_wait(efd, EVENT_TIMEOUT_MS));
	ASSERT_EQ(0, edu_ack(&self->dev, 1));
	ASSERT_EQ(0, edu_raise(&self->dev, 1));
	EXPECT_EQ(0, vpt_eventfd_wait(efd, QUIET_TIMEOUT_MS));

	/* Unmasking with the line still up delivers it at once. */
	ASSERT_EQ(0, irq_action(&self->dev, VFIO_PCI_INTX_IRQ_INDEX,
				VFIO_IRQ_SET_ACTION_UNMASK));
	EXPECT_LT(0, vpt_eventfd_wait(efd, EVENT_TIMEOUT_MS));

	/* Serviced and unmasked, the next one comes through. */
	ASSERT_EQ(0, edu_ack(&self->dev, 1));
	ASSERT_EQ(0, irq_action(&self->dev, VFIO_PCI_INTX_IRQ_INDEX,
				VFIO_IRQ_SET_ACTION_UNMASK));
	EXPECT_EQ(0, vpt_eventfd_wait(efd, QUIET_TIMEOUT_MS));
	ASSERT_EQ(0, edu_raise(&self->dev, 2));
	EXPECT_LT(0, vpt_eventfd_wait(efd, EVENT_TIMEOUT_MS));

	/* The same through an unmask eventfd */
	ASSERT_EQ(0, vpt_set_irqs(self->dev.fd, VFIO_IRQ_SET_DATA_EVENTFD |
				  VFIO_IRQ_SET_ACTION_UNMASK,
				  VFIO_PCI_INTX_IRQ_INDEX, 0, 1, &unmask,
				  sizeof(unmask)));
	ASSERT_EQ(0, edu_ack(&self->dev, 2));
	ASSERT_EQ(0, edu_raise(&self->dev, 4));
	EXPECT_EQ(0, vpt_eventfd_wait(efd, QUIET_TIMEOUT_MS));
	ASSERT_EQ(0, vpt_eventfd_signal(unmask));
	EXPECT_LT(0, vpt_eventfd_wait(efd, EVENT_TIMEOUT_MS));
	ASSERT_EQ(0, edu_ack(&self->dev, 4));
	ASSERT_EQ(0, vpt_eventfd_signal(unmask));
	EXPECT_EQ(0, vpt_eventfd_wait(efd, QUIET_TIMEOUT_MS));
	ASSERT_EQ(0, edu_raise(&self->dev, 8));
	EXPECT_LT(0, vpt_eventfd_wait(efd, EVENT_TIMEOUT_MS));
	ASSERT_EQ(0, edu_ack(&self->dev, 8));

	/* A mask eventfd does not exist. */
	EXPECT_ERRNO(ENOTTY, vpt_set_irqs(self->dev.fd,
					  VFIO_IRQ_SET_DATA_EVENTFD |
					  VFIO_IRQ_SET_ACTION_MASK,
					  VFIO_PCI_INTX_IRQ_INDEX, 0, 1,
					  &unmask, sizeof(unmask)));

	/* Masked by hand, it stays quiet until unmasked. */
	ASSERT_EQ(0, vpt_eventfd_signal(unmask));
	EXPECT_EQ(0, vpt_eventfd_wait(efd, QUIET_TIMEOUT_MS));
	ASSERT_EQ(0, irq_action(&self->dev, VFIO_PCI_INTX_IRQ_INDEX,
				VFIO_IRQ_SET_ACTION_MASK));
	ASSERT_EQ(0, edu_raise(&self->dev, 1));
	EXPECT_EQ(0, vpt_eventfd_wait(efd, QUIET_TIMEOUT_MS));
	ASSERT_EQ(0, irq_action(&self->dev, VFIO_PCI_INTX_IRQ_INDEX,
				VFIO_IRQ_SET_ACTION_UNMASK));
	EXPECT_LT(0, vpt_eventfd_wait(efd, EVENT_TIMEOUT_MS));
	ASSERT_EQ(0, edu_ack(&self->dev, 1));

	ASSERT_EQ(0, vpt_irq_disable(self->dev.fd, VFIO_PCI_INTX_IRQ_INDEX));
	close(unmask);
	close(efd);
}

/* INTx disable in the user's command register masks INTx too. */
TEST_F(irq, edu_intx_disable_bit)
{
	uint16_t cmd;
	int32_t efd;

	if (!self->is_edu)
		SKIP(return, "edu only");
	efd = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, vpt_irq_eventfds(self->dev.fd, VFIO_PCI_INTX_IRQ_INDEX, 0,
				      1, &efd));

	cmd = vpt_cfg_read16(&self->dev, PCI_COMMAND);
	ASSERT_EQ(0, vpt_cfg_write16(&self->dev, PCI_COMMAND,
				     cmd | PCI_COMMAND_INTX_DISABLE));
	ASSERT_EQ(0, edu_raise(&self->dev, 1));
	EXPECT_EQ(0, vpt_eventfd_wait(efd, QUIET_TIMEOUT_MS));

	ASSERT_EQ(0, vpt_cfg_write16(&self->dev, PCI_COMMAND, cmd));
	EXPECT_LT(0, vpt_eventfd_wait(efd, EVENT_TIMEOUT_MS));
	ASSERT_EQ(0, edu_ack(&self->dev, 1));

	ASSERT_EQ(0, vpt_irq_disable(self->dev.fd, VFIO_PCI_INTX_IRQ_INDEX));
	close(efd);
}

/* Fire vector @v of @count by software; only its eventfd may see it. */
static void msix_fire_one(struct __test_metadata *_metadata,
			  struct vpt_device *d, int32_t *efd,
			  unsigned int count, unsigned int v)
{
	unsigned int i;

	ASSERT_EQ(0, vpt_set_irqs(d->fd, VFIO_IRQ_SET_DATA_NONE |
				  VFIO_IRQ_SET_ACTION_TRIGGER,
				  VFIO_PCI_MSIX_IRQ_INDEX, v, 1, NULL, 0));
	for (i = 0; i < count; i++)
		EXPECT_EQ(i == v ? 1 : 0, vpt_eventfd_wait(efd[i], i == v ?
							   EVENT_TIMEOUT_MS :
							   0))
			TH_LOG("vector %u fired, looking at %u", v, i);
}

#define MSIX_TEST_VECTORS	4

TEST_F(irq, msix_vectors_one_at_a_time)
{
	int32_t efd[MSIX_TEST_VECTORS], none = -1;
	uint8_t bools[MSIX_TEST_VECTORS] = { 1, 0, 1, 0 };
	struct vfio_irq_info info;
	unsigned int n, v, i;
	bool resizable;

	ASSERT_EQ(0, vpt_irq_info(self->dev.fd, VFIO_PCI_MSIX_IRQ_INDEX,
				  &info));
	if (info.count < 2)
		SKIP(return, "needs several MSI-X vectors");
	n = info.count < MSIX_TEST_VECTORS ? info.count : MSIX_TEST_VECTORS;
	resizable = !(info.flags & VFIO_IRQ_INFO_NORESIZE);
	ksft_print_msg("%s: %u MSI-X vectors, %s\n", self->dev.bdf, info.count,
		       resizable ? "added while others are live" :
		       "fixed size: re-enabled one larger each time");
	for (i = 0; i < n; i++) {
		efd[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		ASSERT_LE(0, efd[i]);
	}

	for (v = 0; v < n; v++) {
		if (resizable || !v) {
			/* Add vector v alone; the others stay as they are. */
			ASSERT_EQ(0, vpt_irq_eventfds(self->dev.fd,
						      VFIO_PCI_MSIX_IRQ_INDEX,
						      v, 1, &efd[v]))
				TH_LOG("adding vector %u: %s", v,
				       strerror(errno));
		} else {
			/* Fixed size: disable, enable one vector larger. */
			ASSERT_EQ(0, vpt_irq_disable(self->dev.fd,
						     VFIO_PCI_MSIX_IRQ_INDEX));
			ASSERT_EQ(0, vpt_irq_eventfds(self->dev.fd,
						      VFIO_PCI_MSIX_IRQ_INDEX,
						      0, v + 1, efd));
		}
		for (i = 0; i <= v; i++)
			msix_fire_one(_metadata, &self->dev, efd, n, i);
	}

	/* Several at once, by a bool per vector */
	ASSERT_EQ(0, vpt_set_irqs(self->dev.fd, VFIO_IRQ_SET_DATA_BOOL |
				  VFIO_IRQ_SET_ACTION_TRIGGER,
				  VFIO_PCI_MSIX_IRQ_INDEX, 0, n, bools, n));
	for (i = 0; i < n; i++)
		EXPECT_EQ(bools[i], vpt_eventfd_wait(efd[i], bools[i] ?
						     EVENT_TIMEOUT_MS : 0));

	/* A disconnected vector fires nothing; the rest still work. */
	ASSERT_EQ(0, vpt_irq_eventfds(self->dev.fd, VFIO_PCI_MSIX_IRQ_INDEX, 1,
				      1, &none));
	ASSERT_EQ(0, vpt_set_irqs(self->dev.fd, VFIO_IRQ_SET_DATA_NONE |
				  VFIO_IRQ_SET_ACTION_TRIGGER,
				  VFIO_PCI_MSIX_IRQ_INDEX, 1, 1, NULL, 0));
	EXPECT_EQ(0, vpt_eventfd_wait(efd[1], QUIET_TIMEOUT_MS));
	msix_fire_one(_metadata, &self->dev, efd, n, 0);

	/* The user's view of MSI-X: enabled while vectors are. */
	v = vpt_find_cap(&self->dev, PCI_CAP_ID_MSIX);
	EXPECT_TRUE(vpt_cfg_read16(&self->dev, v + PCI_MSIX_FLAGS) &
		    PCI_MSIX_FLAGS_ENABLE);

	ASSERT_EQ(0, vpt_irq_disable(self->dev.fd, VFIO_PCI_MSIX_IRQ_INDEX));
	EXPECT_ERRNO(EINVAL, irq_action(&self->dev, VFIO_PCI_MSIX_IRQ_INDEX,
					VFIO_IRQ_SET_ACTION_TRIGGER));
	EXPECT_FALSE(vpt_cfg_read16(&self->dev, v + PCI_MSIX_FLAGS) &
		     PCI_MSIX_FLAGS_ENABLE);
	for (i = 0; i < n; i++)
		close(efd[i]);
}

TEST_HARNESS_MAIN
