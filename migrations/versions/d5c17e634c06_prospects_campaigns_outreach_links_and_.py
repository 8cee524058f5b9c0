"""prospects, campaigns, outreach, links and reports tables

Revision ID: d5c17e634c06
Revises: 15f329872188
Create Date: 2026-11-24 06:41:39.969669

"""
from alembic import op
import sqlalchemy as sa

import crm.db


# revision identifiers, used by Alembic.
revision = 'd5c17e634c06'
down_revision = '15f329872188'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('goal_links', sa.Integer(), nullable=True),
    sa.Column('budget_cents', sa.Integer(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('created_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['user_account.id'], name=op.f('fk_campaign_owner_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_campaign_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign'))
    )
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('disavow_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('value', sa.String(length=2048), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_disavow_decision_decided_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_disavow_decision_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disavow_decision')),
    sa.UniqueConstraint('workspace_id', 'kind', 'value', name=op.f('uq_disavow_decision_workspace_id_kind_value'))
    )
    with op.batch_alter_table('disavow_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disavow_decision_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('idf_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('model', sa.JSON(), nullable=False),
    sa.Column('updated_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_idf_state_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idf_state')),
    sa.UniqueConstraint('workspace_id', name=op.f('uq_idf_state_workspace_id'))
    )
    with op.batch_alter_table('idf_state', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idf_state_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('page_text',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=20), nullable=False),
    sa.Column('fetched_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_page_text_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_page_text')),
    sa.UniqueConstraint('workspace_id', 'url', name=op.f('uq_page_text_workspace_id_url'))
    )
    with op.batch_alter_table('page_text', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_page_text_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('sender_identity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('from_name', sa.String(length=120), nullable=False),
    sa.Column('from_email', sa.String(length=254), nullable=False),
    sa.Column('reply_domain', sa.String(length=253), nullable=False),
    sa.Column('daily_cap', sa.Integer(), nullable=False),
    sa.Column('window_days', sa.String(length=7), nullable=False),
    sa.Column('window_start', sa.String(length=5), nullable=False),
    sa.Column('window_end', sa.String(length=5), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('use_recipient_timezone', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('created_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_sender_identity_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sender_identity'))
    )
    with op.batch_alter_table('sender_identity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sender_identity_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('site',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('domain', sa.String(length=253), nullable=False),
    sa.Column('homepage', sa.String(length=2048), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('last_contacted_at', crm.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('dr', sa.Float(), nullable=True),
    sa.Column('da', sa.Float(), nullable=True),
    sa.Column('tf', sa.Float(), nullable=True),
    sa.Column('cf', sa.Float(), nullable=True),
    sa.Column('as_score', sa.Float(), nullable=True),
    sa.Column('traffic', sa.Float(), nullable=True),
    sa.Column('ref_domains', sa.Float(), nullable=True),
    sa.Column('spam', sa.Float(), nullable=True),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('created_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['user_account.id'], name=op.f('fk_site_owner_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_site_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site')),
    sa.UniqueConstraint('workspace_id', 'domain', name=op.f('uq_site_workspace_id_domain'))
    )
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_site_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_site_workspace_id'), ['workspace_id'], unique=False)
        batch_op.create_index('ix_site_ws_contacted', ['workspace_id', 'last_contacted_at'], unique=False)
        batch_op.create_index('ix_site_ws_dr', ['workspace_id', 'dr'], unique=False)
        batch_op.create_index('ix_site_ws_status', ['workspace_id', 'status'], unique=False)
        batch_op.create_index('ix_site_ws_traffic', ['workspace_id', 'traffic'], unique=False)

    op.create_table('suppression',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('value', sa.String(length=254), nullable=False),
    sa.Column('reason', sa.String(length=30), nullable=False),
    sa.Column('source', sa.String(length=120), nullable=False),
    sa.Column('created_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_suppression_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suppression')),
    sa.UniqueConstraint('workspace_id', 'kind', 'value', name=op.f('uq_suppression_workspace_id_kind_value'))
    )
    with op.batch_alter_table('suppression', schema=None) as batch_op:
        batch_op.create_index('ix_suppression_value', ['value'], unique=False)

    op.create_table('tag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_tag_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tag')),
    sa.UniqueConstraint('workspace_id', 'name', name=op.f('uq_tag_workspace_id_name'))
    )
    with op.batch_alter_table('tag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tag_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('created_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_template_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_template'))
    )
    with op.batch_alter_table('template', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_template_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('position', sa.String(length=150), nullable=False),
    sa.Column('is_role_address', sa.Boolean(), nullable=False),
    sa.Column('found_on', sa.String(length=2048), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('custom_fields', sa.JSON(), nullable=True),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('created_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_contact_site_id_site'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_contact_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact')),
    sa.UniqueConstraint('workspace_id', 'email', name=op.f('uq_contact_workspace_id_email'))
    )
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_site_id'), ['site_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('sequence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('launched_at', crm.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('created_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_sequence_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sender_id'], ['sender_identity.id'], name=op.f('fk_sequence_sender_id_sender_identity'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_sequence_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sequence'))
    )
    with op.batch_alter_table('sequence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sequence_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sequence_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('share_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', crm.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_share_link_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_share_link_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_share_link_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_share_link')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_share_link_token_hash'))
    )
    with op.batch_alter_table('share_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_share_link_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_share_link_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('site_metric',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=30), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('measured_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_site_metric_site_id_site'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_site_metric_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site_metric')),
    sa.UniqueConstraint('site_id', 'name', 'source', 'measured_at', name=op.f('uq_site_metric_site_id_name_source_measured_at'))
    )
    with op.batch_alter_table('site_metric', schema=None) as batch_op:
        batch_op.create_index('ix_site_metric_site_name_when', ['site_id', 'name', 'measured_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_site_metric_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('site_page',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('first_seen_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_site_page_site_id_site'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_site_page_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site_page')),
    sa.UniqueConstraint('site_id', 'url', name=op.f('uq_site_page_site_id_url'))
    )
    with op.batch_alter_table('site_page', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_site_page_site_id'), ['site_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_site_page_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('site_tag',
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_site_tag_site_id_site'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['tag.id'], name=op.f('fk_site_tag_tag_id_tag'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('site_id', 'tag_id', name=op.f('pk_site_tag'))
    )
    with op.batch_alter_table('site_tag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_site_tag_tag_id'), ['tag_id'], unique=False)

    op.create_table('target_page',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('anchors', sa.JSON(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_target_page_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_target_page_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_target_page'))
    )
    with op.batch_alter_table('target_page', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_target_page_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_target_page_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('opportunity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('target_page_id', sa.Integer(), nullable=True),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('stage_changed_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('next_action_on', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('price_cents', sa.Integer(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('payment_status', sa.String(length=20), nullable=True),
    sa.Column('term_until', sa.Date(), nullable=True),
    sa.Column('won_at', crm.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('created_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_opportunity_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_opportunity_contact_id_contact'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_id'], ['user_account.id'], name=op.f('fk_opportunity_owner_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_opportunity_site_id_site'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_page_id'], ['target_page.id'], name=op.f('fk_opportunity_target_page_id_target_page'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_opportunity_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opportunity')),
    sa.UniqueConstraint('campaign_id', 'site_id', name=op.f('uq_opportunity_campaign_id_site_id'))
    )
    with op.batch_alter_table('opportunity', schema=None) as batch_op:
        batch_op.create_index('ix_opportunity_campaign_stage', ['campaign_id', 'stage'], unique=False)
        batch_op.create_index(batch_op.f('ix_opportunity_site_id'), ['site_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_opportunity_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('sequence_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sequence_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('delay_business_days', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['sequence_id'], ['sequence.id'], name=op.f('fk_sequence_step_sequence_id_sequence'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['template_id'], ['template.id'], name=op.f('fk_sequence_step_template_id_template'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_sequence_step_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sequence_step')),
    sa.UniqueConstraint('sequence_id', 'position', name=op.f('uq_sequence_step_sequence_id_position'))
    )
    with op.batch_alter_table('sequence_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sequence_step_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('happened_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('opportunity_id', sa.Integer(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_activity_actor_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_activity_contact_id_contact'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunity.id'], name=op.f('fk_activity_opportunity_id_opportunity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_activity_site_id_site'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_activity_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity'))
    )
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index('ix_activity_opportunity_when', ['opportunity_id', 'happened_at'], unique=False)
        batch_op.create_index('ix_activity_site_when', ['site_id', 'happened_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('backlink',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_url', sa.String(length=2048), nullable=False),
    sa.Column('source_domain', sa.String(length=253), nullable=False),
    sa.Column('target_url', sa.String(length=2048), nullable=False),
    sa.Column('expected_anchor', sa.String(length=500), nullable=False),
    sa.Column('expected_rel', sa.String(length=20), nullable=False),
    sa.Column('acquisition', sa.String(length=20), nullable=False),
    sa.Column('self_kind', sa.String(length=20), nullable=True),
    sa.Column('cost_cents', sa.Integer(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('opportunity_id', sa.Integer(), nullable=True),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('placed_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('status_since', crm.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('pending_status', sa.String(length=20), nullable=True),
    sa.Column('last_checked_at', crm.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('next_check_at', crm.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('check_count', sa.Integer(), nullable=False),
    sa.Column('first_live_at', crm.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('lost_at', crm.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('score_version', sa.Integer(), nullable=True),
    sa.Column('score_explanation', sa.String(length=500), nullable=False),
    sa.Column('harm_reasons', sa.JSON(), nullable=True),
    sa.Column('etag', sa.String(length=255), nullable=False),
    sa.Column('last_modified', sa.String(length=100), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('created_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_backlink_campaign_id_campaign'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunity.id'], name=op.f('fk_backlink_opportunity_id_opportunity'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_backlink_site_id_site'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_backlink_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_backlink')),
    sa.UniqueConstraint('workspace_id', 'source_url', 'target_url', name=op.f('uq_backlink_workspace_id_source_url_target_url'))
    )
    with op.batch_alter_table('backlink', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_backlink_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index('ix_backlink_due', ['next_check_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_backlink_opportunity_id'), ['opportunity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_backlink_site_id'), ['site_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_backlink_source_domain'), ['source_domain'], unique=False)
        batch_op.create_index(batch_op.f('ix_backlink_workspace_id'), ['workspace_id'], unique=False)
        batch_op.create_index('ix_backlink_ws_status', ['workspace_id', 'status'], unique=False)

    op.create_table('cost',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=True),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('spent_on', sa.Date(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_cost_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunity.id'], name=op.f('fk_cost_opportunity_id_opportunity'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_cost_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cost'))
    )
    with op.batch_alter_table('cost', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cost_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cost_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('enrollment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sequence_id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('stop_reason', sa.String(length=40), nullable=False),
    sa.Column('next_position', sa.Integer(), nullable=False),
    sa.Column('next_due_at', crm.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('paused_until', crm.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('created_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_enrollment_contact_id_contact'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunity.id'], name=op.f('fk_enrollment_opportunity_id_opportunity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sequence_id'], ['sequence.id'], name=op.f('fk_enrollment_sequence_id_sequence'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_enrollment_site_id_site'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_enrollment_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollment')),
    sa.UniqueConstraint('sequence_id', 'contact_id', name=op.f('uq_enrollment_sequence_id_contact_id'))
    )
    with op.batch_alter_table('enrollment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrollment_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index('ix_enrollment_due', ['status', 'next_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrollment_opportunity_id'), ['opportunity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrollment_site_id'), ['site_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrollment_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('origin', sa.String(length=80), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('opportunity_id', sa.Integer(), nullable=True),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('done_at', crm.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('created_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['user_account.id'], name=op.f('fk_task_assignee_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_task_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunity.id'], name=op.f('fk_task_opportunity_id_opportunity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_task_site_id_site'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_task_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task')),
    sa.UniqueConstraint('workspace_id', 'origin', name=op.f('uq_task_workspace_id_origin'))
    )
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.create_index('ix_task_assignee_open', ['assignee_id', 'done_at', 'due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_opportunity_id'), ['opportunity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('link_alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('backlink_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('old_status', sa.String(length=20), nullable=False),
    sa.Column('new_status', sa.String(length=20), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('created_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', crm.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('digested_at', crm.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['backlink_id'], ['backlink.id'], name=op.f('fk_link_alert_backlink_id_backlink'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_link_alert_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_link_alert'))
    )
    with op.batch_alter_table('link_alert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_link_alert_backlink_id'), ['backlink_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_link_alert_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('link_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('backlink_id', sa.Integer(), nullable=False),
    sa.Column('checked_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('found', sa.Boolean(), nullable=False),
    sa.Column('match', sa.String(length=20), nullable=True),
    sa.Column('http_status', sa.Integer(), nullable=True),
    sa.Column('final_url', sa.String(length=2048), nullable=False),
    sa.Column('anchor_text', sa.String(length=500), nullable=True),
    sa.Column('placement', sa.String(length=20), nullable=True),
    sa.Column('indexable', sa.Boolean(), nullable=True),
    sa.Column('outbound_links', sa.Integer(), nullable=True),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('score_version', sa.Integer(), nullable=True),
    sa.Column('score_detail', sa.JSON(), nullable=True),
    sa.Column('rendered', sa.Boolean(), nullable=False),
    sa.Column('elapsed_ms', sa.Integer(), nullable=True),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['backlink_id'], ['backlink.id'], name=op.f('fk_link_check_backlink_id_backlink'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_link_check_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_link_check'))
    )
    with op.batch_alter_table('link_check', schema=None) as batch_op:
        batch_op.create_index('ix_link_check_backlink_when', ['backlink_id', 'checked_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_link_check_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('outbound_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=120), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('sequence_id', sa.Integer(), nullable=True),
    sa.Column('step_id', sa.Integer(), nullable=True),
    sa.Column('step_position', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=True),
    sa.Column('enrollment_id', sa.Integer(), nullable=True),
    sa.Column('opportunity_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('sender_id', sa.Integer(), nullable=True),
    sa.Column('to_email', sa.String(length=254), nullable=False),
    sa.Column('to_name', sa.String(length=200), nullable=False),
    sa.Column('from_email', sa.String(length=254), nullable=False),
    sa.Column('from_name', sa.String(length=200), nullable=False),
    sa.Column('reply_to', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=True),
    sa.Column('message_id_header', sa.String(length=255), nullable=False),
    sa.Column('in_reply_to', sa.String(length=255), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('provider_message_id', sa.String(length=255), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('due_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('lease_owner', sa.String(length=80), nullable=True),
    sa.Column('lease_expires_at', crm.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_at', crm.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_event_at', crm.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('created_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_outbound_message_campaign_id_campaign'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_outbound_message_contact_id_contact'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollment.id'], name=op.f('fk_outbound_message_enrollment_id_enrollment'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunity.id'], name=op.f('fk_outbound_message_opportunity_id_opportunity'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sender_id'], ['sender_identity.id'], name=op.f('fk_outbound_message_sender_id_sender_identity'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sequence_id'], ['sequence.id'], name=op.f('fk_outbound_message_sequence_id_sequence'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_outbound_message_site_id_site'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['step_id'], ['sequence_step.id'], name=op.f('fk_outbound_message_step_id_sequence_step'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['template_id'], ['template.id'], name=op.f('fk_outbound_message_template_id_template'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_outbound_message_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbound_message')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_outbound_message_idempotency_key'))
    )
    with op.batch_alter_table('outbound_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbound_message_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbound_message_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index('ix_outbound_message_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbound_message_enrollment_id'), ['enrollment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbound_message_opportunity_id'), ['opportunity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbound_message_provider_message_id'), ['provider_message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbound_message_site_id'), ['site_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbound_message_step_id'), ['step_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbound_message_template_id'), ['template_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbound_message_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('email_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=True),
    sa.Column('provider_event_id', sa.String(length=255), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('event', sa.String(length=40), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('occurred_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('received_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['outbound_message.id'], name=op.f('fk_email_event_message_id_outbound_message'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_email_event_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_event')),
    sa.UniqueConstraint('provider_event_id', name=op.f('uq_email_event_provider_event_id'))
    )
    with op.batch_alter_table('email_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_email_event_message_id'), ['message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_email_event_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('reply',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=255), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('enrollment_id', sa.Integer(), nullable=True),
    sa.Column('opportunity_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('from_email', sa.String(length=254), nullable=False),
    sa.Column('from_name', sa.String(length=200), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('html_sanitized', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('return_on', sa.Date(), nullable=True),
    sa.Column('matched_by', sa.String(length=20), nullable=False),
    sa.Column('headers', sa.JSON(), nullable=True),
    sa.Column('received_at', crm.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', crm.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_reply_contact_id_contact'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollment.id'], name=op.f('fk_reply_enrollment_id_enrollment'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['message_id'], ['outbound_message.id'], name=op.f('fk_reply_message_id_outbound_message'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunity.id'], name=op.f('fk_reply_opportunity_id_opportunity'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_reply_site_id_site'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_reply_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reply')),
    sa.UniqueConstraint('workspace_id', 'dedupe_key', name=op.f('uq_reply_workspace_id_dedupe_key'))
    )
    with op.batch_alter_table('reply', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reply_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reply_message_id'), ['message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reply_opportunity_id'), ['opportunity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reply_site_id'), ['site_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reply_workspace_id'), ['workspace_id'], unique=False)

    with op.batch_alter_table('workspace', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recontact_days', sa.Integer(), server_default='90', nullable=False))



def downgrade():
    with op.batch_alter_table('workspace', schema=None) as batch_op:
        batch_op.drop_column('recontact_days')

    with op.batch_alter_table('reply', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reply_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_reply_site_id'))
        batch_op.drop_index(batch_op.f('ix_reply_opportunity_id'))
        batch_op.drop_index(batch_op.f('ix_reply_message_id'))
        batch_op.drop_index(batch_op.f('ix_reply_contact_id'))

    op.drop_table('reply')
    with op.batch_alter_table('email_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_email_event_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_email_event_message_id'))

    op.drop_table('email_event')
    with op.batch_alter_table('outbound_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbound_message_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_outbound_message_template_id'))
        batch_op.drop_index(batch_op.f('ix_outbound_message_step_id'))
        batch_op.drop_index(batch_op.f('ix_outbound_message_site_id'))
        batch_op.drop_index(batch_op.f('ix_outbound_message_provider_message_id'))
        batch_op.drop_index(batch_op.f('ix_outbound_message_opportunity_id'))
        batch_op.drop_index(batch_op.f('ix_outbound_message_enrollment_id'))
        batch_op.drop_index('ix_outbound_message_due')
        batch_op.drop_index(batch_op.f('ix_outbound_message_contact_id'))
        batch_op.drop_index(batch_op.f('ix_outbound_message_campaign_id'))

    op.drop_table('outbound_message')
    with op.batch_alter_table('link_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_link_check_workspace_id'))
        batch_op.drop_index('ix_link_check_backlink_when')

    op.drop_table('link_check')
    with op.batch_alter_table('link_alert', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_link_alert_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_link_alert_backlink_id'))

    op.drop_table('link_alert')
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_task_opportunity_id'))
        batch_op.drop_index(batch_op.f('ix_task_campaign_id'))
        batch_op.drop_index('ix_task_assignee_open')

    op.drop_table('task')
    with op.batch_alter_table('enrollment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrollment_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_enrollment_site_id'))
        batch_op.drop_index(batch_op.f('ix_enrollment_opportunity_id'))
        batch_op.drop_index('ix_enrollment_due')
        batch_op.drop_index(batch_op.f('ix_enrollment_contact_id'))

    op.drop_table('enrollment')
    with op.batch_alter_table('cost', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cost_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_cost_campaign_id'))

    op.drop_table('cost')
    with op.batch_alter_table('backlink', schema=None) as batch_op:
        batch_op.drop_index('ix_backlink_ws_status')
        batch_op.drop_index(batch_op.f('ix_backlink_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_backlink_source_domain'))
        batch_op.drop_index(batch_op.f('ix_backlink_site_id'))
        batch_op.drop_index(batch_op.f('ix_backlink_opportunity_id'))
        batch_op.drop_index('ix_backlink_due')
        batch_op.drop_index(batch_op.f('ix_backlink_campaign_id'))

    op.drop_table('backlink')
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_workspace_id'))
        batch_op.drop_index('ix_activity_site_when')
        batch_op.drop_index('ix_activity_opportunity_when')
        batch_op.drop_index(batch_op.f('ix_activity_contact_id'))

    op.drop_table('activity')
    with op.batch_alter_table('sequence_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sequence_step_workspace_id'))

    op.drop_table('sequence_step')
    with op.batch_alter_table('opportunity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opportunity_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_opportunity_site_id'))
        batch_op.drop_index('ix_opportunity_campaign_stage')

    op.drop_table('opportunity')
    with op.batch_alter_table('target_page', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_target_page_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_target_page_campaign_id'))

    op.drop_table('target_page')
    with op.batch_alter_table('site_tag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_site_tag_tag_id'))

    op.drop_table('site_tag')
    with op.batch_alter_table('site_page', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_site_page_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_site_page_site_id'))

    op.drop_table('site_page')
    with op.batch_alter_table('site_metric', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_site_metric_workspace_id'))
        batch_op.drop_index('ix_site_metric_site_name_when')

    op.drop_table('site_metric')
    with op.batch_alter_table('share_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_share_link_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_share_link_campaign_id'))

    op.drop_table('share_link')
    with op.batch_alter_table('sequence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sequence_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_sequence_campaign_id'))

    op.drop_table('sequence')
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_contact_site_id'))

    op.drop_table('contact')
    with op.batch_alter_table('template', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_template_workspace_id'))

    op.drop_table('template')
    with op.batch_alter_table('tag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tag_workspace_id'))

    op.drop_table('tag')
    with op.batch_alter_table('suppression', schema=None) as batch_op:
        batch_op.drop_index('ix_suppression_value')

    op.drop_table('suppression')
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.drop_index('ix_site_ws_traffic')
        batch_op.drop_index('ix_site_ws_status')
        batch_op.drop_index('ix_site_ws_dr')
        batch_op.drop_index('ix_site_ws_contacted')
        batch_op.drop_index(batch_op.f('ix_site_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_site_owner_id'))

    op.drop_table('site')
    with op.batch_alter_table('sender_identity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sender_identity_workspace_id'))

    op.drop_table('sender_identity')
    with op.batch_alter_table('page_text', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_page_text_workspace_id'))

    op.drop_table('page_text')
    with op.batch_alter_table('idf_state', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idf_state_workspace_id'))

    op.drop_table('idf_state')
    with op.batch_alter_table('disavow_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disavow_decision_workspace_id'))

    op.drop_table('disavow_decision')
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_workspace_id'))

    op.drop_table('campaign')
