// Case queues: the lists each role works from. A queue is a state (待派遣…), or 超时 (overdue) or 全部 (all).
import type { Role } from './roles.ts';

/** Every queue a list can show. */
export const QUEUES = [
  'pending_accept',
  'pending_verify',
  'pending_register',
  'pending_dispatch',
  'handling',
  'pending_check',
  'pending_close',
  'closed',
  'overdue',
  'suspended',
  'return_requested',
  'all',
] as const;
/** One queue. */
export type QueueName = (typeof QUEUES)[number];

/** The queues each role sees first (all roles may open 'all'). */
export const ROLE_QUEUES: Record<Role, QueueName[]> = {
  operator: ['pending_accept', 'pending_verify', 'pending_check', 'overdue', 'all'],
  shift_leader: ['pending_accept', 'pending_register', 'pending_close', 'overdue', 'suspended', 'all'],
  dispatcher: ['pending_dispatch', 'return_requested', 'handling', 'overdue', 'suspended', 'all'],
  supervisor: ['pending_verify', 'pending_check', 'all'],
  department: ['handling', 'overdue', 'closed', 'all'],
  leader: ['overdue', 'handling', 'closed', 'all'],
  gis_editor: ['all'],
  dr_operator: ['all'],
  admin: [
    'pending_accept',
    'pending_verify',
    'pending_register',
    'pending_dispatch',
    'handling',
    'return_requested',
    'pending_check',
    'pending_close',
    'closed',
    'overdue',
    'suspended',
    'all',
  ],
};
