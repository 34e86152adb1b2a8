/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 *
 * net_vfbc_vf: a Virtual Function. It maps only its own region, reads and
 * writes its config blocks through the mailbox, and watches its PF's liveness
 * (vfbc_vf_monitor.c).
 */

#include <stdlib.h>

#include <bus_vdev_driver.h>
#include <ethdev_vdev.h>
#include <rte_lcore.h>

#include "vfbc_rxtx.h"
#include "vfbc_vf.h"
#include "vfbc_wellknown.h"
#include "vfbc_xstats.h"

static int vfbc_vf_dev_close(struct rte_eth_dev *dev);

/* Reading the blocks may fail (PF gone, stalled): the port still configures
 * and starts, with what it had and its link down if the PF does not serve.
 */
static int
vfbc_vf_dev_configure(struct rte_eth_dev *dev)
{
	vfbc_vf_config_refresh(dev->data->dev_private);
	return 0;
}

static int
vfbc_vf_dev_start(struct rte_eth_dev *dev)
{
	struct vfbc_vf *vf = dev->data->dev_private;

	vfbc_vf_config_refresh(vf);
	vfbc_vf_rings_start(dev);
	return vfbc_ethdev_set_link(dev, vfbc_vf_link_should_be_up(vf));
}

static int
vfbc_vf_infos_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	struct vfbc_vf *vf = dev->data->dev_private;

	vfbc_ethdev_infos_get(dev, info);
	vfbc_ethdev_infos_rings(info, &vf->region.rings);
	info->max_mtu = vfbc_vf_max_mtu(dev->data->dev_private);
	info->max_rx_pktlen = info->max_mtu + VFBC_WK_FRAME_OVERHEAD;
	return 0;
}

static int
vfbc_vf_dev_stop(struct rte_eth_dev *dev)
{
	vfbc_vf_rings_stop(dev);
	return vfbc_ethdev_set_link(dev, false);
}

/* Whoever sees a change first reports it: every change raises one LSC event. */
static int
vfbc_vf_link_update(struct rte_eth_dev *dev, int wait_to_complete)
{
	vfbc_vf_follow_link(dev->data->dev_private);
	return 0;
}

static const struct eth_dev_ops vfbc_vf_ops = {
	.dev_configure = vfbc_vf_dev_configure,
	.dev_start = vfbc_vf_dev_start,
	.dev_stop = vfbc_vf_dev_stop,
	.dev_close = vfbc_vf_dev_close,
	.dev_infos_get = vfbc_vf_infos_get,
	.link_update = vfbc_vf_link_update,
	.mac_addr_set = vfbc_vf_mac_addr_set,
	.mtu_set = vfbc_vf_mtu_set,
	.rx_queue_setup = vfbc_vf_rx_queue_setup,
	.tx_queue_setup = vfbc_vf_tx_queue_setup,
	.rx_queue_release = vfbc_rx_queue_release,
	.tx_queue_release = vfbc_tx_queue_release,
	VFBC_ETHDEV_COMMON_OPS,
	.eth_dev_priv_dump = vfbc_vf_priv_dump,
};

struct vfbc_vf *
vfbc_vf_from_port(uint16_t port_id)
{
	return vfbc_ethdev_private_of(port_id, &vfbc_vf_ops);
}

static void
vfbc_vf_release(struct vfbc_vf *vf)
{
	if (vf->closed)
		return;
	vf->closed = true;
	/* The monitor first: it restarts the notice thread when it reconnects. */
	vfbc_vf_monitor_stop(vf);
	vfbc_vf_watch_stop(vf);
	if (vf->mbox.slots != NULL)
		vfbc_vf_mbox_fini(&vf->mbox);
	vfbc_region_close(&vf->region);
	while (vf->nb_retired > 0)
		vfbc_region_close(&vf->retired[--vf->nb_retired]);
	free(vf->retired);
	vf->retired = NULL;
	pthread_mutex_destroy(&vf->config_lock);
}

static int
vfbc_vf_dev_close(struct rte_eth_dev *dev)
{
	/* Queues first: the Rx queues tell the PF they stop, while the region is mapped. */
	vfbc_ethdev_release_queues(dev);
	vfbc_vf_release(dev->data->dev_private);
	return 0;
}

static int
open_region(const char *name, const struct vfbc_vf_params *p, struct vfbc_region *r)
{
	char path[PATH_MAX];
	int ret = vfbc_region_path(path, sizeof(path), p->region_dir, p->pf, (uint16_t)p->vf);

	if (ret < 0) {
		VFBC_LOG(ERR, "%s: bad region path for pf=%s in %s", name, p->pf, p->region_dir);
		return ret;
	}
	ret = vfbc_region_open(r, path, (uint16_t)p->vf);
	switch (ret) {
	case 0:
		break;
	case -ENOENT:
		VFBC_LOG(ERR, "%s: no region %s: is PF %s running, with num_vfs > %u and this "
				"region_dir?", name, path, p->pf, p->vf);
		break;
	case -EBUSY:
		VFBC_LOG(ERR, "%s: VF %u of %s is attached by another process", name, p->vf,
				p->pf);
		break;
	case -EPROTO:
		VFBC_LOG(ERR, "%s: region %s has another layout than ABI version %u", name, path,
				VFBC_ABI_VERSION);
		break;
	case -ENOTCONN:
		VFBC_LOG(ERR, "%s: region %s was left by a PF that is gone", name, path);
		break;
	default:
		VFBC_LOG(ERR, "%s: cannot map region %s: %s", name, path, rte_strerror(-ret));
	}
	return ret;
}

static int
vf_setup(struct vfbc_vf *vf)
{
	struct rte_ether_addr mac;
	int ret;

	vfbc_ethdev_make_mac(&mac, vf->params.pf, (uint16_t)vf->params.vf);
	ret = vfbc_ethdev_init(vf->dev, &mac);
	vf->dev->rx_pkt_burst = vfbc_vf_rx_burst;
	vf->dev->tx_pkt_burst = vfbc_vf_tx_burst;
	if (ret == 0)
		ret = vfbc_vf_mbox_init(&vf->mbox, &vf->region,
				(uint64_t)vf->params.spin_us * 1000);
	if (ret < 0)
		return ret;
	/* Ask now, wait later: in the PF's own process the service starts only
	 * after every vdev is probed, so no answer can come during probe.
	 */
	vfbc_vf_mbox_attach_start(&vf->mbox);
	ret = vfbc_vf_monitor_start(vf);
	if (ret == 0)
		ret = vfbc_vf_watch_start(vf);
	return ret;
}

static int
vfbc_vf_probe(struct rte_vdev_device *vdev)
{
	const char *name = rte_vdev_device_name(vdev);
	struct vfbc_vf_params params;
	struct vfbc_region region;
	struct rte_eth_dev *dev;
	struct vfbc_vf *vf;
	int ret;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		VFBC_LOG(ERR, "%s: secondary processes are not supported", name);
		return -ENOTSUP;
	}
	ret = vfbc_vf_parse_devargs(name, rte_vdev_device_args(vdev), &params);
	if (ret == 0)
		ret = open_region(name, &params, &region);
	if (ret < 0)
		return ret;
	dev = rte_eth_vdev_allocate(vdev, sizeof(*vf));
	if (dev == NULL) {
		vfbc_region_close(&region);
		return -ENOMEM;
	}
	vf = dev->data->dev_private;
	vf->dev = dev;
	vf->params = params;
	vf->region = region;
	vf->timeout_ns = (uint64_t)params.timeout_ms * 1000000;
	rte_spinlock_init(&vf->inval_lock);
	rte_rwlock_init(&vf->conn_lock);
	vf->monitor_stop_fd = -1;
	pthread_mutex_init(&vf->config_lock, NULL);
	dev->dev_ops = &vfbc_vf_ops;
	dev->data->dev_flags |= RTE_ETH_DEV_INTR_LSC;
	ret = vf_setup(vf);
	if (ret < 0) {
		vfbc_vf_release(vf);
		rte_eth_dev_release_port(dev);
		return ret;
	}
	rte_eth_dev_probing_finish(dev);
	VFBC_LOG(INFO, "%s: port %u, VF %u of %s, timeout %u ms", name, dev->data->port_id,
			params.vf, params.pf, params.timeout_ms);
	return 0;
}

static int
vfbc_vf_remove(struct rte_vdev_device *vdev)
{
	struct rte_eth_dev *dev = rte_eth_dev_allocated(rte_vdev_device_name(vdev));

	if (dev == NULL)
		return 0;
	vfbc_vf_dev_close(dev);
	return rte_eth_dev_release_port(dev);
}

static struct rte_vdev_driver vfbc_vf_driver = {
	.probe = vfbc_vf_probe,
	.remove = vfbc_vf_remove,
};

RTE_PMD_REGISTER_VDEV(VFBC_VF_DRIVER_NAME, vfbc_vf_driver);
RTE_PMD_REGISTER_PARAM_STRING(VFBC_VF_DRIVER_NAME,
	"pf=<PF device name> "
	"vf=<index> "
	"timeout_ms=<1-3600000> "
	"spin_us=<int> "
	"region_dir=<path>");
