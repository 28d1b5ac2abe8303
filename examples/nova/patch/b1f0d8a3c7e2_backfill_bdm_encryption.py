# The patch of the Nova two-tree example (examples/nova/pipeline.sh):
# not a change to Nova. It is copied into a copy of Debian's Nova tree at
# run time, as if a proposed change added it after trunk's head.
#
# Like the seed talk's "migration 186" (it rewrote every block device
# mapping and took 20 minutes on 45k rows), it walks every block device
# mapping row by row in Python: it moves the encryption facts out of
# connection_info into ccb0fa1a2252's new columns, rewrites
# connection_info without them, and sets each instance's root device
# name from its boot volume. Correct, and slow on a big cloud.

"""Backfill block device mapping encryption fields from connection_info

Revision ID: b1f0d8a3c7e2
Revises: ccb0fa1a2252
Create Date: 2026-12-01 09:00:00.000000
"""

import json

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'b1f0d8a3c7e2'
down_revision = 'ccb0fa1a2252'
branch_labels = None
depends_on = None


def upgrade():
    conn = op.get_bind()
    for prefix in ('', 'shadow_'):
        bdms = conn.execute(sa.text(
            'SELECT id, instance_uuid, device_name, boot_index, connection_info'
            ' FROM ' + prefix + 'block_device_mapping ORDER BY id')).fetchall()
        for bdm in bdms:
            info = {}
            if bdm.connection_info:
                try:
                    info = json.loads(bdm.connection_info)
                except ValueError:
                    info = {}
            data = info.get('data') or {}
            encrypted = bool(data.pop('encrypted', False))
            fmt = data.pop('encryption_format', None)
            if data:
                info['data'] = data
            conn.execute(sa.text(
                'UPDATE ' + prefix + 'block_device_mapping SET encrypted = :enc,'
                ' encryption_format = :fmt, connection_info = :info'
                ' WHERE id = :id'),
                {'enc': encrypted, 'fmt': fmt,
                 'info': json.dumps(info, sort_keys=True) if info else None,
                 'id': bdm.id})
            if bdm.boot_index != 0 or not bdm.device_name:
                continue
            # One look-up per mapping, as 186 did: its instance.
            inst = conn.execute(sa.text(
                'SELECT id, root_device_name FROM ' + prefix + 'instances'
                ' WHERE uuid = :uuid'), {'uuid': bdm.instance_uuid}).first()
            if inst is not None and inst.root_device_name != bdm.device_name:
                conn.execute(sa.text(
                    'UPDATE ' + prefix + 'instances SET root_device_name = :dev'
                    ' WHERE id = :id'), {'dev': bdm.device_name, 'id': inst.id})


def downgrade():
    pass
